import Foundation
import ImproveCore
import Improve

print("improve-cli: under construction")
