using DistributedTracing.TraceLab.Telemetry;
using DistributedTracing.TraceLab.Telemetry.Memory;

namespace DistributedTracing.TraceLab.Tests;

public sealed class CompactAttributesTests
{
    [Fact]
    public void Values_of_every_type_come_back_and_can_be_found_by_key()
    {
        var keys = new AttributeKeyTable(capacity: 3); // small, so some keys are stored inline
        TelemetryAttribute[] attributes =
        [
            new("s", "text é"), new("b", true), new("l", -42L), new("d", 1.5),
            new("inline.one", "x"), new("arr", new object?[] { "a", 1L }), new("bytes", new byte[] { 1, 2 }),
        ];
        var compact = CompactAttributes.From(attributes, keys);

        var back = compact.ToArray(keys);
        Assert.Equal(attributes.Select(a => a.Key), back.Select(a => a.Key));
        Assert.Equal(attributes.Select(a => a.ValueAsString), back.Select(a => a.ValueAsString));
        Assert.Equal("-42", compact.Find("l", keys));
        Assert.Equal("x", compact.Find("inline.one", keys));
        Assert.Equal("[\"a\",1]", compact.Find("arr", keys));
        Assert.Null(compact.Find("missing", keys));
        Assert.True(compact.AnyValueContains("TEXT"));
        Assert.False(compact.AnyValueContains("nowhere"));
        Assert.Empty(CompactAttributes.Empty.ToArray());
    }

    [Theory]
    [InlineData("order 1234 placed", "ORDER", true)]
    [InlineData("order 1234 placed", "placed", true)]
    [InlineData("order 1234 placed", "34 P", true)]
    [InlineData("order 1234 placed", "placed!", false)]
    [InlineData("oorder", "order", true)]
    [InlineData("café au lait", "AU LAIT", true)]
    [InlineData("café", "cafe", false)]
    [InlineData("ab", "abc", false)]
    [InlineData("", "a", false)]
    [InlineData("anything", "", true)]
    public void Utf8_search_ignores_ascii_case_and_never_matches_inside_a_multibyte_character(string haystack, string needle, bool expected) =>
        Assert.Equal(expected, Utf8Text.ContainsIgnoreAsciiCase(System.Text.Encoding.UTF8.GetBytes(haystack), System.Text.Encoding.ASCII.GetBytes(needle)));

    [Fact]
    public void Text_search_covers_numbers_booleans_and_non_ascii_text()
    {
        var compact = CompactAttributes.From([new("n", 4242L), new("b", false), new("s", "Ünïcode straße"), new("arr", new object?[] { "deep" })]);
        Assert.True(compact.AnyValueContains("424"));
        Assert.True(compact.AnyValueContains("false"));
        Assert.True(compact.AnyValueContains("STRAßE"));
        Assert.True(compact.AnyValueContains("ünï"));
        Assert.True(compact.AnyValueContains("deep"));
        Assert.False(compact.AnyValueContains("absent"));
    }
}
