using DistributedTracing.Dashboard.Telemetry;

namespace DistributedTracing.Dashboard.Tests;

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
}
