import FoundationEssentials
import Glibc
import TCAdminCLI
import TCCrypto

// Before any password, key or secret is read: no core file, no ptrace by the same user.
try? ProcessHardening.apply()
let console = Console.standard(environment: ProcessInfo.processInfo.environment)
let code = TCAdmin.main(arguments: CommandLine.arguments, environment: ProcessInfo.processInfo.environment, console: console)
console.flush()
exit(code)
