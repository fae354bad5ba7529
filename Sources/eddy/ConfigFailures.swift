import Configuration
import Synchronization

/// Notes the keys whose value was present but could not be read as the type asked for (a word where a
/// number belongs, a JSON number where a duration string belongs), so that ``Env`` can name them.
final class ConfigFailures: AccessReporter {
    private let failed = Mutex<Set<[String]>>([])

    func report(_ event: AccessEvent) {
        let providerFailed = event.providerResults.contains { if case .failure = $0.result { true } else { false } }
        let readFailed = if case .failure = event.result { true } else { false }
        guard providerFailed || readFailed || event.conversionError != nil else { return }
        _ = failed.withLock { $0.insert(event.metadata.key.components) }
    }

    /// Whether reading `key` failed since the last call; forgets it.
    func take(_ key: ConfigKey) -> Bool {
        failed.withLock { $0.remove(key.components) != nil }
    }
}
