import ArgumentParser
import Declared

/// Which workload: the built-in user-login one, or one declared in a file.
struct WorkloadOptions: ParsableArguments {
    @Option(
        help: ArgumentHelp(
            "A workload file (docs/workloads.md) instead of the built-in user-login workload: the file `eddy run --workload` runs. [env: EDDY_WORKLOAD]",
            valueName: "file"))
    var workload: String = Env.string("EDDY_WORKLOAD", default: "")

    /// The file's workload, or nil for the built-in one.
    /// - Throws: `CommandError` with the file, line and key of the first mistake.
    func definition() throws -> WorkloadDefinition? {
        guard !workload.isEmpty else { return nil }
        do {
            return try DefinitionReader.read(file: workload)
        } catch {
            throw CommandError(error.description)
        }
    }

    /// Opens the database at `path` with its tables up to date for `definition`'s workload, the built-in
    /// one when `definition` is nil (``MigratedStore``).
    func openMigrated(_ path: String, for definition: WorkloadDefinition?, maxBytes: Int64? = nil) throws -> MigratedStore {
        guard let definition else { return try MigratedStore.builtIn(path, maxBytes: maxBytes) }
        return try MigratedStore.declared(path, definition, file: workload, maxBytes: maxBytes)
    }
}
