import Improve
import ImproveTestSupport

print("improve-bench: under construction")
