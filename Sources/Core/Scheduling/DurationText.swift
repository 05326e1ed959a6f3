/// Durations as Go and Kubernetes manifests write them: a sequence of a whole number and a unit, `h`, `m` or `s`
/// (`4h`, `90m`, `1h30m`, `45s`).
public enum DurationText {
    public static func parse(_ text: String) -> Duration? {
        var seconds: Int64 = 0
        var number = ""
        var sawUnit = false
        for ch in text {
            if ch.isASCII, ch.isNumber {
                number.append(ch)
                continue
            }
            guard let n = Int64(number) else { return nil }
            switch ch {
            case "h": seconds += n * 3600
            case "m": seconds += n * 60
            case "s": seconds += n
            default: return nil
            }
            number = ""
            sawUnit = true
        }
        guard number.isEmpty, sawUnit else { return nil }
        return .seconds(seconds)
    }
}
