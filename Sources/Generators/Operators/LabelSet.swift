import Foundation
import ImproveCore

/// What the operators learn about a classification task from its labels and prompt, with
/// no model in the loop.
struct LabelSet {
    let labels: [String]

    /// Nil unless the items carry a small set of short labels (2 to 12, each under 40
    /// characters): only then is "answer with one of these" a sound constraint.
    init?(_ search: SearchSet) {
        let labels = search.labels
        guard (2...12).contains(labels.count), labels.allSatisfy({ !$0.isEmpty && $0.count < 40 && !$0.contains("\n") }) else { return nil }
        self.labels = labels
    }

    /// "positive or negative", "a, b or c".
    var alternatives: String { Self.spoken(labels) }

    /// `labels` as a spoken choice, in the order given.
    static func spoken(_ labels: [String]) -> String {
        labels.count == 2 ? "\(labels[0]) or \(labels[1])" : labels.dropLast().joined(separator: ", ") + " or " + (labels.last ?? "")
    }

    var singleWords: Bool { labels.allSatisfy { !$0.contains(" ") } }
}

/// The noun a prompt names as the thing to produce ("Classify the sentiment." → "Sentiment"),
/// found with a few generic patterns; nil when none matches.
func taskNoun(in prompt: String) -> String? {
    let words = prompt.lowercased().components(separatedBy: CharacterSet.alphanumerics.inverted).filter { !$0.isEmpty }
    let verbs: Set<String> = ["classify", "determine", "identify", "predict", "label", "detect", "give", "choose", "output"]
    let skip: Set<String> = ["the", "a", "an", "its", "this", "each", "following", "given", "text", "input", "sentence"]
    for (index, word) in words.enumerated() where verbs.contains(word) {
        if let noun = words[(index + 1)...].first(where: { !skip.contains($0) }), noun.count > 2 {
            return noun.prefix(1).uppercased() + noun.dropFirst()
        }
    }
    return nil
}

/// Splits text into sentences (after `.`, `!`, `?` followed by a space, and at line breaks),
/// keeping each sentence's own punctuation.
func sentences(of text: String) -> [String] {
    var result: [String] = []
    var current = ""
    let characters = Array(text)
    for (index, character) in characters.enumerated() {
        if character == "\n" {
            if !current.trimmingCharacters(in: .whitespaces).isEmpty { result.append(current.trimmingCharacters(in: .whitespaces)) }
            current = ""
            continue
        }
        current.append(character)
        let next = index + 1 < characters.count ? characters[index + 1] : " "
        if ".!?".contains(character), next == " " || next == "\n" {
            result.append(current.trimmingCharacters(in: .whitespaces))
            current = ""
        }
    }
    if !current.trimmingCharacters(in: .whitespaces).isEmpty { result.append(current.trimmingCharacters(in: .whitespaces)) }
    return result
}

/// `text` with `sentence` appended, separated as a sentence.
func appending(_ sentence: String, to text: String) -> String {
    let trimmed = text.trimmingCharacters(in: .whitespacesAndNewlines)
    guard !trimmed.isEmpty else { return sentence }
    let end = trimmed.last.map { ".!?:".contains($0) } ?? false
    return trimmed + (end ? " " : ". ") + sentence
}
