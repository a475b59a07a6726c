namespace DistributedTracing.AppHost.Tests;

/// <summary>
/// One whole app, Aspire's dashboard included, for every test that only reads from it or places orders:
/// a start takes about 45 s on two cores.
/// </summary>
public sealed class SharedAppFixture : IAsyncLifetime
{
    public TestApp App { get; private set; } = null!;

    public async Task InitializeAsync() => App = await TestApp.StartAsync(dashboard: true);

    public async Task DisposeAsync()
    {
        if (App is not null)
        {
            await App.DisposeAsync();
        }
    }
}

[CollectionDefinition(Name)]
public sealed class SharedAppCollection : ICollectionFixture<SharedAppFixture>
{
    public const string Name = "shared app";
}
