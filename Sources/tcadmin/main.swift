import Foundation
import TCAdminCLI

let console = Console.standard(environment: ProcessInfo.processInfo.environment)
let code = TCAdmin.main(arguments: CommandLine.arguments, environment: ProcessInfo.processInfo.environment, console: console)
console.flush()
exit(code)
