// The engine starts processes in their own sessions (setsid), signals process groups and runs servers
// from Debian's packages: it is Linux-only, and says so to the platform analyzer.
[assembly: System.Runtime.Versioning.SupportedOSPlatform("linux")]
