using DistributedTracing.TraceLab.Traces;
using Microsoft.AspNetCore.Mvc;

namespace DistributedTracing.TraceLab.Api;

/// <summary>The traces list's filters as query parameters, shared by the list and its id-only variant.</summary>
public sealed record TraceFilterQuery(
    string? Service,
    string? Text,
    string? MinDuration,
    string? MaxDuration,
    bool? ErrorsOnly,
    [FromQuery(Name = "attribute")] string[]? Attributes)
{
    public bool TryCreateFilter(
        [System.Diagnostics.CodeAnalysis.NotNullWhen(true)] out TraceFilter? filter,
        out IResult problem)
    {
        filter = null;
        var minNano = 0L;
        var maxNano = 0L;
        if (MinDuration is not null && !DurationParser.TryParseNanoseconds(MinDuration, true, out minNano))
        {
            problem = ApiProblems.BadRequest($"minDuration '{MinDuration}' is not a duration: give milliseconds (12.5) or a unit (1.5ms, 2s).");
            return false;
        }

        if (MaxDuration is not null && !DurationParser.TryParseNanoseconds(MaxDuration, true, out maxNano))
        {
            problem = ApiProblems.BadRequest($"maxDuration '{MaxDuration}' is not a duration: give milliseconds (12.5) or a unit (1.5ms, 2s).");
            return false;
        }

        var pairs = new List<KeyValuePair<string, string>>();
        foreach (var attribute in Attributes ?? [])
        {
            var equals = attribute.IndexOf('=', StringComparison.Ordinal);
            if (equals <= 0)
            {
                problem = ApiProblems.BadRequest($"attribute '{attribute}' must be key=value.");
                return false;
            }

            pairs.Add(KeyValuePair.Create(attribute[..equals], attribute[(equals + 1)..]));
        }

        filter = new TraceFilter
        {
            Service = NullIfEmpty(Service),
            Text = NullIfEmpty(Text),
            MinDurationNano = MinDuration is null ? null : minNano,
            MaxDurationNano = MaxDuration is null ? null : maxNano,
            ErrorsOnly = ErrorsOnly ?? false,
            Attributes = pairs,
        };
        problem = Results.Empty;
        return true;
    }

    private static string? NullIfEmpty(string? value) => string.IsNullOrWhiteSpace(value) ? null : value.Trim();
}
