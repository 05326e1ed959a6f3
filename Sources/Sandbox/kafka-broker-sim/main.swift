import KafkaSimulator

BrokerSimulator.main(arguments: Array(CommandLine.arguments.dropFirst()))
