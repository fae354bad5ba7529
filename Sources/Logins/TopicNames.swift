/// The topic of staged events as a `String`, made once per run of events from one topic.
struct TopicNames {
    private var last: (span: StagedLoginEvents.Span, name: String)?

    mutating func name(_ span: StagedLoginEvents.Span, _ text: StagedLoginEvents.Text) -> String {
        if let last, last.span == span { return last.name }
        let name = text[span].map { String(decoding: $0, as: UTF8.self) } ?? ""
        last = (span, name)
        return name
    }
}
