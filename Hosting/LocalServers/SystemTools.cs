using System.Diagnostics;

using Aspire.Hosting;

namespace DistributedTracing.Hosting.LocalServers;

/// <summary>Finding installed programs, and running short commands (initdb, chown) to completion.</summary>
internal static class SystemTools
{
    public static bool IsRoot => Environment.UserName == "root";

    public static string? FindOnPath(string program) =>
        (Environment.GetEnvironmentVariable("PATH") ?? "")
            .Split(':', StringSplitOptions.RemoveEmptyEntries)
            .Select(dir => Path.Combine(dir, program))
            .FirstOrDefault(File.Exists);

    /// <summary>Runs a command to completion; throws with its output when it fails.</summary>
    public static async Task<string> RunAsync(string fileName, IEnumerable<string> arguments, string workingDirectory, CancellationToken cancellationToken)
    {
        var start = new ProcessStartInfo(fileName)
        {
            RedirectStandardOutput = true,
            RedirectStandardError = true,
            UseShellExecute = false,
            WorkingDirectory = workingDirectory,
        };
        foreach (var argument in arguments)
        {
            start.ArgumentList.Add(argument);
        }

        using var process = Process.Start(start) ?? throw new InvalidOperationException($"Could not start {fileName}.");
        var output = process.StandardOutput.ReadToEndAsync(cancellationToken);
        var errors = process.StandardError.ReadToEndAsync(cancellationToken);
        await process.WaitForExitAsync(cancellationToken);
        var text = (await output + await errors).Trim();
        if (process.ExitCode != 0)
        {
            throw new DistributedApplicationException($"{fileName} {string.Join(' ', start.ArgumentList)} failed with exit code {process.ExitCode}:\n{text}");
        }

        return text;
    }
}
