import CLibYAML

/// Parses YAML streams into `YAMLDocument`s using libyaml's event API.
///
/// Guarantees (for hostile input too):
/// - no crash and no unbounded time or memory: input size, nesting depth and the number of
///   nodes after alias expansion are limited by `YAMLLimits`; the tree is built iteratively;
/// - the first problem is returned with its 1-based line:column
///   (columns count characters, a leading UTF-8 BOM is not counted);
/// - input must be UTF-8 (a BOM is fine); UTF-16, invalid UTF-8, NUL bytes and control
///   characters are rejected before libyaml runs;
/// - a node's `start` is where it begins in the text, including its properties: for
///   `key: &a !!str x` the value starts at `&a`;
/// - aliases are expanded: the root of each copy carries the position of the ALIAS, the nodes
///   inside it keep the positions where the anchored node was written;
/// - explicit tags are kept in `YAMLNode.tag`, standard ones shortened to `!!str` form; a core
///   tag that does not fit its node (`!!int abc`, `!!str` on a mapping) is an error;
/// - an empty or comment-only file gives no documents; `---` alone gives a document whose
///   root is nil. Merge keys (`<<`) are ordinary pairs; duplicate keys are kept.
public enum YAMLParser {
    /// Parses every document of a multi-document YAML stream (bytes of one file).
    /// Never crashes or hangs on hostile input; returns the first error with its 1-based position.
    public static func parse(_ bytes: [UInt8], limits: YAMLLimits = YAMLLimits()) -> Result<[YAMLDocument], YAMLError> {
        bytes.withUnsafeBufferPointer { buffer in
            if let error = InputValidation.check(buffer, limits: limits) { return .failure(error) }
            if buffer.isEmpty { return .success([]) }
            do throws(YAMLError) {
                return .success(try compose(buffer, limits: limits))
            } catch {
                return .failure(error)
            }
        }
    }

    /// Convenience for text already in memory.
    public static func parse(_ text: String, limits: YAMLLimits = YAMLLimits()) -> Result<[YAMLDocument], YAMLError> {
        parse(Array(text.utf8), limits: limits)
    }

    // MARK: Event loop

    private static func compose(_ buffer: UnsafeBufferPointer<UInt8>, limits: YAMLLimits) throws(YAMLError)
        -> [YAMLDocument]
    {
        let parser = UnsafeMutablePointer<yaml_parser_t>.allocate(capacity: 1)
        defer { parser.deallocate() }
        guard yaml_parser_initialize(parser) != 0 else {
            throw YAMLError(message: "out of memory while setting up the YAML parser", mark: Mark(line: 1, column: 1))
        }
        defer { yaml_parser_delete(parser) }
        yaml_parser_set_input_string(parser, buffer.baseAddress, buffer.count)

        var builder = TreeBuilder(limits: limits)
        var event = yaml_event_t()
        while true {
            guard yaml_parser_parse(parser, &event) != 0 else {
                throw libyamlError(parser.pointee, buffer)
            }
            defer { yaml_event_delete(&event) }
            let mark = Mark(event.start_mark)
            switch event.type {
            case YAML_STREAM_START_EVENT:
                let encoding = event.data.stream_start.encoding
                if encoding != YAML_UTF8_ENCODING && encoding != YAML_ANY_ENCODING {
                    throw YAMLError(message: "file is UTF-16 encoded; manifests must be UTF-8", mark: mark)
                }
            case YAML_STREAM_END_EVENT:
                return builder.documents
            case YAML_DOCUMENT_START_EVENT:
                builder.startDocument(at: mark)
            case YAML_DOCUMENT_END_EVENT:
                builder.endDocument()
            case YAML_ALIAS_EVENT:
                try builder.alias(string(event.data.alias.anchor) ?? "", at: mark)
            case YAML_SCALAR_EVENT:
                let s = event.data.scalar
                let value =
                    s.value.map { String(decoding: UnsafeBufferPointer(start: $0, count: s.length), as: UTF8.self) } ?? ""
                try builder.scalar(
                    value, style: ScalarStyle(s.style), tag: string(s.tag).map(TagCheck.normalise),
                    anchor: string(s.anchor), at: mark)
            case YAML_SEQUENCE_START_EVENT:
                let s = event.data.sequence_start
                try builder.startCollection(
                    isMapping: false, tag: string(s.tag).map(TagCheck.normalise), anchor: string(s.anchor), at: mark)
            case YAML_MAPPING_START_EVENT:
                let m = event.data.mapping_start
                try builder.startCollection(
                    isMapping: true, tag: string(m.tag).map(TagCheck.normalise), anchor: string(m.anchor), at: mark)
            case YAML_SEQUENCE_END_EVENT, YAML_MAPPING_END_EVENT:
                try builder.endCollection()
            default:
                // YAML_NO_EVENT: libyaml only produces it after STREAM-END, which we never pass.
                throw YAMLError(message: "unexpected end of YAML events", mark: mark)
            }
        }
    }

    private static func string(_ pointer: UnsafeMutablePointer<yaml_char_t>?) -> String? {
        pointer.map { String(cString: $0) }
    }

    // MARK: Errors

    /// Turns libyaml's error state into a positioned, readable error, e.g.
    /// `could not find expected ':' (while scanning a simple key at 2:1)`.
    private static func libyamlError(_ p: yaml_parser_t, _ buffer: UnsafeBufferPointer<UInt8>) -> YAMLError {
        let problem = p.problem.map { String(cString: $0) } ?? "unknown YAML error"
        switch p.error {
        case YAML_MEMORY_ERROR:
            return YAMLError(message: "out of memory while parsing YAML", mark: Mark(line: 1, column: 1))
        case YAML_READER_ERROR:
            // Reader errors carry a byte offset, not a mark. (Input validation normally catches these first.)
            let mark = InputValidation.mark(ofByteOffset: p.problem_offset, in: buffer)
            return YAMLError(message: "\(problem) at byte offset \(p.problem_offset)", mark: mark)
        default:
            let mark = Mark(p.problem_mark)
            var message = problem
            if let context = p.context {
                let contextMark = Mark(p.context_mark)
                message += " (\(String(cString: context))"
                message += contextMark == mark ? ")" : " at \(contextMark))"
            }
            if InputValidation.character(at: mark, in: buffer) == 0x09 {
                message += "; tabs are not allowed for indentation, use spaces"
            }
            return YAMLError(message: message, mark: mark)
        }
    }
}

extension Mark {
    /// libyaml marks are 0-based.
    init(_ mark: yaml_mark_t) {
        self.init(line: Int(mark.line) + 1, column: Int(mark.column) + 1)
    }
}

extension ScalarStyle {
    init(_ style: yaml_scalar_style_t) {
        switch style {
        case YAML_SINGLE_QUOTED_SCALAR_STYLE: self = .singleQuoted
        case YAML_DOUBLE_QUOTED_SCALAR_STYLE: self = .doubleQuoted
        case YAML_LITERAL_SCALAR_STYLE: self = .literal
        case YAML_FOLDED_SCALAR_STYLE: self = .folded
        default: self = .plain
        }
    }
}
