module github.com/tradechain/tradechain/tools/proto

go 1.23.0

require (
	github.com/cosmos/gogoproto v1.7.0
	github.com/grpc-ecosystem/grpc-gateway v1.16.0
)

require (
	github.com/ghodss/yaml v1.0.0 // indirect
	github.com/golang/glog v0.0.0-20160126235308-23def4e6c14b // indirect
	github.com/golang/protobuf v1.5.3 // indirect
	github.com/google/go-cmp v0.6.0 // indirect
	google.golang.org/genproto v0.0.0-20200513103714-09dca8ec2884 // indirect
	google.golang.org/protobuf v1.32.0 // indirect
	gopkg.in/yaml.v2 v2.2.3 // indirect
)
