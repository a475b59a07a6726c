using Microsoft.Extensions.Options;

namespace DistributedTracing.NotificationWorker.Messaging;

/// <summary>
/// How a message that failed for a passing reason is tried again (section <c>Notifications:Retry</c>): attempt
/// k+1 runs <see cref="DelayAfter"/>(k) after attempt k failed, and after <see cref="MaxAttempts"/> failed
/// attempts the message is dead-lettered.
/// </summary>
public sealed class RetryOptions
{
    public const string Section = "Notifications:Retry";

    /// <summary>Attempts in all, the first included (1 means: no retry).</summary>
    public int MaxAttempts { get; set; } = 5;

    /// <summary>The wait after the first failed attempt; each further wait doubles it.</summary>
    public TimeSpan FirstDelay { get; set; } = TimeSpan.FromSeconds(2);

    /// <summary>No wait is longer than this.</summary>
    public TimeSpan MaxDelay { get; set; } = TimeSpan.FromSeconds(30);

    /// <summary>The wait after failed attempt <paramref name="failedAttempt"/> (1-based): FirstDelay·2^(k-1), at most MaxDelay.</summary>
    public TimeSpan DelayAfter(int failedAttempt)
    {
        var doublings = Math.Min(failedAttempt - 1, 30); // past 2^30 every sane delay is capped anyway
        var delay = FirstDelay * Math.Pow(2, doublings);
        return delay < MaxDelay ? delay : MaxDelay;
    }
}

/// <summary>Bounds that keep the retry queues sane: each becomes a durable queue with the delay as its TTL.</summary>
public sealed class RetryOptionsValidator : IValidateOptions<RetryOptions>
{
    public const int MostAttempts = 20;
    private static readonly TimeSpan Shortest = TimeSpan.FromMilliseconds(100);
    private static readonly TimeSpan Longest = TimeSpan.FromHours(1);

    public ValidateOptionsResult Validate(string? name, RetryOptions options)
    {
        var failures = new List<string>();
        if (options.MaxAttempts is < 1 or > MostAttempts)
        {
            failures.Add($"{RetryOptions.Section}:MaxAttempts must be 1..{MostAttempts} (was {options.MaxAttempts}).");
        }

        if (options.FirstDelay < Shortest || options.FirstDelay > Longest)
        {
            failures.Add($"{RetryOptions.Section}:FirstDelay must be {Shortest}..{Longest} (was {options.FirstDelay}).");
        }

        if (options.MaxDelay < options.FirstDelay || options.MaxDelay > Longest)
        {
            failures.Add($"{RetryOptions.Section}:MaxDelay must be FirstDelay..{Longest} (was {options.MaxDelay}).");
        }

        return failures.Count == 0 ? ValidateOptionsResult.Success : ValidateOptionsResult.Fail(failures);
    }
}
