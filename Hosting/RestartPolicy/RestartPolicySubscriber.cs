using Aspire.Hosting;
using Aspire.Hosting.ApplicationModel;
using Aspire.Hosting.Eventing;
using Aspire.Hosting.Lifecycle;
using Microsoft.Extensions.Hosting;
using Microsoft.Extensions.Logging;

namespace DistributedTracing.Hosting.RestartPolicy;

/// <summary>
/// Watches the resources that have a <see cref="RestartPolicyAnnotation"/>. One that goes from a live state to a
/// terminal one (Exited, Finished, FailedToStart) without a requested stop is started again through Aspire's
/// start command, after the policy's delay; the app shutting down never counts.
/// </summary>
internal sealed class RestartPolicySubscriber(
    ResourceNotificationService notifications,
    ResourceCommandService commands,
    ResourceLoggerService resourceLoggers,
    IHostApplicationLifetime lifetime,
    ILogger<RestartPolicySubscriber> logger) : IDistributedApplicationEventingSubscriber
{
    public Task SubscribeAsync(IDistributedApplicationEventing eventing, DistributedApplicationExecutionContext executionContext, CancellationToken cancellationToken)
    {
        if (executionContext.IsRunMode)
        {
            eventing.Subscribe<BeforeStartEvent>((_, _) =>
            {
                var stopping = lifetime.ApplicationStopping;
                _ = Task.Run(() => WatchAsync(stopping), stopping);
                return Task.CompletedTask;
            });
            // DCP has added the lifecycle commands by the time a resource starts.
            eventing.Subscribe<BeforeResourceStartedEvent>((@event, _) =>
            {
                if (@event.Resource.TryGetLastAnnotation<RestartPolicyAnnotation>(out var policy))
                {
                    RequestedStopCommands.MarkStopsOf(@event.Resource, policy);
                }

                return Task.CompletedTask;
            });
        }

        return Task.CompletedTask;
    }

    private async Task WatchAsync(CancellationToken stopping)
    {
        var lastStates = new Dictionary<string, string?>();
        try
        {
            await foreach (var update in notifications.WatchAsync(stopping))
            {
                if (!update.Resource.TryGetLastAnnotation<RestartPolicyAnnotation>(out var policy))
                {
                    continue;
                }

                var state = update.Snapshot.State?.Text;
                if (!lastStates.TryGetValue(update.ResourceId, out var before))
                {
                    await RestartProperties.PublishAsync(notifications, update, policy.RestartCount, last: null);
                }

                lastStates[update.ResourceId] = state;
                if (state == before)
                {
                    continue;
                }

                if (state == KnownResourceStates.Starting || state == KnownResourceStates.Running)
                {
                    policy.StopRequested = false;
                    if (state == KnownResourceStates.Running && policy.GaveUp)
                    {
                        policy.Rearm(); // someone started it again
                    }
                }
                else if (IsTerminal(state) && before is not null && !IsTerminal(before) && !policy.StopRequested && !stopping.IsCancellationRequested)
                {
                    _ = RestartAsync(update, policy, stopping);
                }
            }
        }
        catch (OperationCanceledException) when (stopping.IsCancellationRequested)
        {
        }
    }

    private async Task RestartAsync(ResourceEvent crash, RestartPolicyAnnotation policy, CancellationToken stopping)
    {
        var resourceLogger = resourceLoggers.GetLogger(crash.ResourceId);
        var ended = crash.Snapshot.ExitCode is int code ? $"exit code {code}" : crash.Snapshot.State?.Text ?? "no state";
        var options = policy.Options;
        try
        {
            var recent = policy.RecentRestarts(DateTimeOffset.UtcNow);
            if (recent >= options.MaxRestarts)
            {
                policy.GaveUp = true;
                var reason = $"gave up: {recent} restarts in {Describe(options.Window)}; last {ended}";
                logger.LogWarning("{Resource}: restart policy {Reason}", crash.ResourceId, reason);
                resourceLogger.LogWarning("Restart policy {Reason}", reason);
                await RestartProperties.PublishAsync(notifications, crash, policy.RestartCount, reason);
                return;
            }

            var delay = options.DelayAfter(recent);
            resourceLogger.LogWarning("Ended by itself ({Ended}); the restart policy starts it again in {Delay}", ended, Describe(delay));
            await Task.Delay(delay, stopping);

            // Someone stopped or started it meanwhile: theirs is the last word.
            if (policy.StopRequested || !notifications.TryGetCurrentState(crash.ResourceId, out var current) || !IsTerminal(current.Snapshot.State?.Text))
            {
                return;
            }

            var now = DateTimeOffset.UtcNow;
            var count = policy.RecordRestart(now);
            await RestartProperties.PublishAsync(notifications, crash, count, $"{now:yyyy-MM-dd HH:mm:ss}Z: restarted after {ended} (waited {Describe(delay)})");
            var result = await commands.ExecuteCommandAsync(crash.ResourceId, KnownResourceCommands.StartCommand, stopping);
            if (!result.Success)
            {
                resourceLogger.LogWarning("The restart policy could not start it: {Message}", result.Message);
            }
        }
        catch (OperationCanceledException) when (stopping.IsCancellationRequested)
        {
        }
        catch (Exception ex)
        {
            logger.LogError(ex, "{Resource}: the restart policy failed", crash.ResourceId);
        }
    }

    private static bool IsTerminal(string? state) => KnownResourceStates.TerminalStates.Contains(state);

    private static string Describe(TimeSpan span) =>
        span.TotalMinutes >= 1 && span.Seconds == 0 ? $"{span.TotalMinutes:0.#} min"
        : span.TotalSeconds >= 1 ? $"{span.TotalSeconds:0.#} s"
        : $"{span.TotalMilliseconds:0} ms";
}
