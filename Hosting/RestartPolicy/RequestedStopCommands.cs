using Aspire.Hosting.ApplicationModel;

namespace DistributedTracing.Hosting.RestartPolicy;

/// <summary>
/// Aspire's stop and restart commands (the dashboard's buttons, <c>aspire resource</c>, ResourceCommandService)
/// are annotations that DCP adds when it creates the resource. Each is replaced, in place, by one that first
/// marks the stop as asked for, so the policy never undoes it; the mark is cleared when the resource starts again.
/// </summary>
internal static class RequestedStopCommands
{
    public static void MarkStopsOf(IResource resource, RestartPolicyAnnotation policy)
    {
        var annotations = resource.Annotations;
        lock (policy.MarkingCommands)
        {
            for (var i = 0; i < annotations.Count; i++)
            {
                if (annotations[i] is ResourceCommandAnnotation command && StopsTheResource(command.Name) && !policy.MarkingCommands.Contains(command))
                {
                    var marking = Marking(command, policy);
                    policy.MarkingCommands.Add(marking);
                    annotations[i] = marking;
                }
            }
        }
    }

    private static bool StopsTheResource(string commandName) =>
        commandName == KnownResourceCommands.StopCommand || commandName == KnownResourceCommands.RestartCommand;

    private static ResourceCommandAnnotation Marking(ResourceCommandAnnotation command, RestartPolicyAnnotation policy) =>
        new(command.Name, command.DisplayName, command.UpdateState,
            async context =>
            {
                policy.StopRequested = true;
                var result = await command.ExecuteCommand(context);
                if (!result.Success && command.Name == KnownResourceCommands.StopCommand)
                {
                    policy.StopRequested = false; // still running: a later crash is a crash
                }

                return result;
            },
            command.DisplayDescription, command.Arguments, command.ConfirmationMessage, command.IconName, command.IconVariant,
            command.IsHighlighted, command.Visibility, command.ValidateArguments);
}
