import Generators
import ImproveCore

/// What the CLI and the evolve plan need to know about generators and surfaces beyond
/// ``GeneratorRegistry``: the built-in choices for `--help`, and each surface's reader/writer.
package enum GeneratorCatalog {
    /// What `--help` lists: the built-in names and the external form.
    package static var choices: [String] { GeneratorRegistry.builtIn.choices }

    /// The surface that reads and writes the components of `kind`.
    package static func surface(_ kind: SurfaceKind) -> any Surface {
        switch kind {
        case .prompt: return PromptSurface()
        case .skills: return SkillsSurface()
        case .strategy, .artifact: return StrategySurface()
        }
    }
}
