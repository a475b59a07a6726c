namespace DistributedTracing.Hosting.LocalServers;

/// <summary>
/// A local server runs under a small /bin/sh launcher, for two reasons. DCP stops an executable with
/// SIGTERM, but each server wants its own signal to stop quickly (PostgreSQL's SIGTERM waits for every
/// client to disconnect; SIGINT is its fast shutdown). And if the launcher itself is killed, its children
/// must not outlive it: each runs through setpriv --pdeathsig, so the kernel signals it when the launcher dies.
/// </summary>
internal static class ServerLauncher
{
    /// <summary>
    /// Arguments for /bin/sh: <c>sh -c SCRIPT launcher STOP_SIGNAL SETPRIV_OPTIONS SIDECAR... -- SERVER...</c>.
    /// SETPRIV_OPTIONS (may be empty) apply to the server, such as the user to run as: setpriv sets the death
    /// signal after changing user, which a change of user would otherwise clear. Each sidecar (a helper such
    /// as epmd) starts first and is killed after the server has stopped; the launcher exits once it is gone, so a
    /// restart finds its port free.
    /// </summary>
    public const string Script = """
        stop_signal=$1; server_options=$2; shift 2
        sidecars=""
        while [ "$1" != "--" ]; do
          setpriv --pdeathsig KILL -- $1 &
          sidecars="$sidecars $!"
          shift
        done
        shift
        setpriv $server_options --pdeathsig "$stop_signal" -- "$@" &
        server=$!
        trap 'kill -s "$stop_signal" "$server" 2>/dev/null' TERM INT
        status=0
        while kill -0 "$server" 2>/dev/null; do
          wait "$server"
          status=$?
        done
        if [ -n "$sidecars" ]; then
          kill $sidecars 2>/dev/null
          wait $sidecars 2>/dev/null
        fi
        exit "$status"
        """;

    public const string Shell = "/bin/sh";

    /// <summary>The arguments that run <paramref name="server"/> under the launcher.</summary>
    public static IEnumerable<object> Arguments(string stopSignal, string serverOptions, IEnumerable<object> sidecars, IEnumerable<object> server) =>
        ["-c", Script, "launcher", stopSignal, serverOptions, .. sidecars, "--", .. server];
}
