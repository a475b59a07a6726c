// The Hosting engine is Linux-only (process groups, Debian's servers), and so is this AppHost.
[assembly: System.Runtime.Versioning.SupportedOSPlatform("linux")]
