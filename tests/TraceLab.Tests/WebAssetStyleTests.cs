using System.Text;

namespace DistributedTracing.TraceLab.Tests;

/// <summary>
/// The web UI's files keep .editorconfig's rules (UTF-8, LF, a final newline, no trailing spaces, two-space
/// indents, no tabs). The C# rules are enforced by the build; these files have no build, so the suite does it.
/// </summary>
public sealed class WebAssetStyleTests
{
    private static string WebRoot
    {
        get
        {
            for (var dir = new DirectoryInfo(AppContext.BaseDirectory); dir is not null; dir = dir.Parent)
            {
                if (dir.GetFiles("*.sln").Length > 0)
                {
                    return Path.Combine(dir.FullName, "TraceLab", "wwwroot");
                }
            }

            throw new DirectoryNotFoundException("no solution folder above the test's output");
        }
    }

    public static TheoryData<string> Files()
    {
        var files = new TheoryData<string>();
        foreach (var file in Directory.EnumerateFiles(WebRoot, "*", SearchOption.AllDirectories)
            .Where(f => Path.GetExtension(f) is ".js" or ".css" or ".html")
            .Order(StringComparer.Ordinal))
        {
            files.Add(Path.GetRelativePath(WebRoot, file));
        }

        return files;
    }

    [Fact]
    public void There_are_files_to_check() => Assert.True(Files().Count >= 10, "the UI's files were not found");

    [Theory]
    [MemberData(nameof(Files))]
    public void Each_file_keeps_the_editorconfig_rules(string file)
    {
        var bytes = File.ReadAllBytes(Path.Combine(WebRoot, file));
        var text = new UTF8Encoding(encoderShouldEmitUTF8Identifier: false, throwOnInvalidBytes: true).GetString(bytes);
        Assert.DoesNotContain('\r', text);
        Assert.EndsWith("\n", text);
        var problems = new List<string>();
        var lines = text.Split('\n');
        for (var i = 0; i < lines.Length; i++)
        {
            var line = lines[i];
            var indent = line.Length - line.TrimStart(' ').Length;
            if (line.Contains('\t'))
            {
                problems.Add($"line {i + 1}: a tab");
            }

            if (line.Length > 0 && char.IsWhiteSpace(line[^1]))
            {
                problems.Add($"line {i + 1}: trailing whitespace");
            }

            if (indent % 2 != 0)
            {
                problems.Add($"line {i + 1}: an indent of {indent} spaces");
            }
        }

        Assert.True(problems.Count == 0, string.Join("; ", problems));
    }
}
