import Foundation
import Store

/// One table a workload file declares: its columns and key, what else fixes the meaning of its rows
/// (an aggregation's window and time), and how the changelog carries it.
public struct DeclaredTable: Sendable, Equatable {
    /// What makes two declarations of a table the same table: recorded in `declared_tables`, so that a
    /// changed file can be compared with what the database holds (``DeclaredMigrationPlan``).
    public struct Shape: Sendable, Equatable, Codable {
        public var columns: [DeclaredColumn]
        public var key: [String]
        /// An aggregation's window, in seconds.
        public var windowSeconds: Int64?
        /// The column whose time the rows go by (an aggregation's window, an events table's retention).
        public var timeColumn: String?
        /// Each measure's column and what it computes (`count`, `sum(amount)`).
        public var measures: [String: String]?
    }

    public var name: String
    public var shape: Shape
    public var partitioned: PartitionedTable

    /// `CREATE TABLE ... WITHOUT ROWID;`, with a comment on what each column holds.
    public var createSQL: String {
        let width = shape.columns.map(\.name.count).max() ?? 0
        let lines = shape.columns.map { column in
            let definition = column.name.padding(toLength: width, withPad: " ", startingAt: 0) + " " + column.type
                + (column.notNull ? " NOT NULL" : "")
            return (definition + ",", column.comment)
        }
        let typeWidth = lines.map(\.0.count).max() ?? 0
        let body = lines.map { line, comment in
            "    " + (comment.map { line.padding(toLength: typeWidth, withPad: " ", startingAt: 0) + " -- " + $0 } ?? line)
        }
        return "CREATE TABLE \(name) (\n" + body.joined(separator: "\n") + "\n    PRIMARY KEY (\(shape.key.joined(separator: ", ")))\n) WITHOUT ROWID;"
    }

    /// `ALTER TABLE ... ADD COLUMN ...` for `column`, which rows that exist already get as its ``DeclaredColumn/addedDefault``.
    func addSQL(_ column: DeclaredColumn) -> String {
        "ALTER TABLE \(name) ADD COLUMN \(column.name) \(column.type)" + (column.notNull ? " NOT NULL" : "")
            + (column.addedDefault.map { " DEFAULT \($0)" } ?? "") + ";"
    }
}
