import ArgumentParser

/// The synthetic streams `eddy produce` makes.
enum StreamKind: String, CaseIterable, ExpressibleByArgument {
    /// The user-login events of the built-in workload (and workloads/user-login.yaml).
    case userLogin = "user-login"
    /// Orders for workloads/orders.yaml.
    case orders

    /// The topic its workload reads.
    var topic: String { rawValue }
}
