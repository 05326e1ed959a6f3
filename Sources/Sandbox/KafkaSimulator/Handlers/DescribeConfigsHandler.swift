/// DescribeConfigs (key 32, v0-v4; kafka.md §1.8), including the identity probe: a BROKER resource names the
/// receiving node or fails with INVALID_REQUEST "Unexpected broker id, expected X or empty string, but received Y".
public enum DescribeConfigsHandler {
    struct Resource {
        var type: Int8
        var name: String
        var keys: [String]?
    }

    struct Result {
        var errorCode: Int16 = ErrorCode.none
        var errorMessage: String?
        var resource: Resource
        var configs: [DescribedConfig] = []
    }

    public static func handle(version v: Int16, reader r: inout WireReader, context: RequestContext) throws -> [UInt8] {
        let flexible = v >= 4
        let resources: [Resource] =
            try r.array(compact: flexible) { r in
                let type = try r.int8()
                let name = try r.string(compact: flexible)
                let keys: [String]? = try r.array(compact: flexible) { try $0.string(compact: flexible) }
                if flexible { try r.skipTaggedFields() }
                return Resource(type: type, name: name, keys: keys)
            } ?? []
        let includeSynonyms = v >= 1 ? try r.bool() : false
        if v >= 3 { _ = try r.bool() }  // IncludeDocumentation: documentation is always null.
        if flexible { try r.skipTaggedFields() }

        let describer = ConfigDescriber(config: context.config)
        let results = resources.map { describer.describe($0) }

        var w = WireWriter()
        w.int32(0)
        w.array(results, compact: flexible) { w, result in
            w.int16(result.errorCode)
            w.string(result.errorMessage, compact: flexible)
            w.int8(result.resource.type)
            w.string(result.resource.name, compact: flexible)
            w.array(result.configs, compact: flexible) { w, config in
                w.string(config.name, compact: flexible)
                w.string(config.value, compact: flexible)
                w.bool(config.readOnly)
                if v == 0 { w.bool(config.source == .defaultConfig) } else { w.int8(config.source.rawValue) }
                w.bool(config.sensitive)
                if v >= 1 {
                    w.array(includeSynonyms ? config.synonyms : [], compact: flexible) { w, synonym in
                        w.string(synonym.name, compact: flexible)
                        w.string(synonym.value, compact: flexible)
                        w.int8(synonym.source.rawValue)
                        w.emptyTaggedFields(if: flexible)
                    }
                }
                if v >= 3 {
                    w.int8(config.kind.rawValue)
                    w.string(nil, compact: flexible)
                }
                w.emptyTaggedFields(if: flexible)
            }
            w.emptyTaggedFields(if: flexible)
        }
        w.emptyTaggedFields(if: flexible)
        return w.bytes
    }
}

/// Computes the configs of one resource from the node's file, the catalog and `simulator.dynamic.*` overrides.
struct ConfigDescriber {
    var config: SimulatorConfig

    static let topicType: Int8 = 2
    static let brokerType: Int8 = 4
    static let brokerLoggerType: Int8 = 8

    func describe(_ resource: DescribeConfigsHandler.Resource) -> DescribeConfigsHandler.Result {
        var result = DescribeConfigsHandler.Result(resource: resource)
        switch resource.type {
        case Self.brokerType, Self.brokerLoggerType:
            if resource.name.isEmpty { return result }  // Cluster-wide dynamic defaults: none.
            guard let id = Int32(resource.name) else {
                result.errorCode = ErrorCode.invalidRequest
                result.errorMessage = "Broker id must be an integer, but it is: \(resource.name)"
                return result
            }
            guard id == config.nodeId else {
                result.errorCode = ErrorCode.invalidRequest
                result.errorMessage =
                    "Unexpected broker id, expected \(config.nodeId) or empty string, but received \(resource.name)"
                return result
            }
            if resource.type == Self.brokerLoggerType {
                result.configs = [
                    DescribedConfig(
                        name: "root", value: "INFO", readOnly: false, source: .defaultConfig, sensitive: false,
                        synonyms: [], kind: .string)
                ]
            } else {
                result.configs = brokerConfigs(keys: resource.keys)
            }
        case Self.topicType:
            guard let topic = config.topics.first(where: { $0.name == resource.name }) else {
                result.errorCode = ErrorCode.unknownTopicOrPartition
                result.errorMessage = "The topic '\(resource.name)' does not exist."
                return result
            }
            result.configs = topicConfigs(topic, keys: resource.keys)
        default:
            result.errorCode = ErrorCode.invalidRequest
            result.errorMessage = "Unsupported resource type: \(resource.type)"
        }
        return result
    }

    func brokerConfigs(keys: [String]?) -> [DescribedConfig] {
        let fileKeys = config.values.keys.filter { !$0.hasPrefix("simulator.") }
        let names = keys ?? Array(Set(ConfigCatalog.broker.keys).union(fileKeys)).sorted()
        return names.compactMap { name -> DescribedConfig? in
            let entry = ConfigCatalog.broker[name]
            let fileValue = name.hasPrefix("simulator.") ? nil : config.values[name]
            guard entry != nil || fileValue != nil else { return nil }
            var synonyms: [(name: String, value: String?, source: DescribedConfig.Source)] = []
            if let dynamic = config.dynamicOverrides[name] { synonyms.append((name, dynamic, .dynamicBroker)) }
            if let fileValue { synonyms.append((name, fileValue, .staticBroker)) }
            if let entry { synonyms.append((name, entry.defaultValue, .defaultConfig)) }
            let effective = synonyms[0]
            let sensitive = ConfigCatalog.isSensitive(name)
            return DescribedConfig(
                name: name, value: sensitive ? nil : effective.value, readOnly: !(entry?.dynamic ?? false),
                source: effective.source, sensitive: sensitive,
                synonyms: sensitive ? synonyms.map { ($0.name, nil, $0.source) } : synonyms,
                kind: entry?.kind ?? .string)
        }
    }

    func topicConfigs(_ topic: TopicSpec, keys: [String]?) -> [DescribedConfig] {
        let names = keys ?? ConfigCatalog.topic.keys.sorted()
        return names.compactMap { name -> DescribedConfig? in
            guard let entry = ConfigCatalog.topic[name] else { return nil }
            var synonyms: [(name: String, value: String?, source: DescribedConfig.Source)] = []
            if name == "min.insync.replicas", let value = topic.minInsyncReplicas {
                synonyms.append((name, String(value), .topic))
            }
            if let dynamic = config.dynamicOverrides[entry.brokerKey] {
                synonyms.append((entry.brokerKey, dynamic, .dynamicBroker))
            }
            if let fileValue = config.values[entry.brokerKey] {
                synonyms.append((entry.brokerKey, fileValue, .staticBroker))
            }
            synonyms.append((entry.brokerKey, entry.defaultValue, .defaultConfig))
            let effective = synonyms[0]
            return DescribedConfig(
                name: name, value: effective.value, readOnly: false, source: effective.source, sensitive: false,
                synonyms: synonyms, kind: entry.kind)
        }
    }
}
