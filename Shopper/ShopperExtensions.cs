namespace DistributedTracing.Shopper;

public sealed class ShopperOptions
{
    /// <summary>Off with Shopper__Enabled=false (the tests place their own orders).</summary>
    public bool Enabled { get; set; } = true;

    public double IntervalSeconds { get; set; } = 3;
}

public static class ShopperExtensions
{
    public static IHostApplicationBuilder AddShopper(this IHostApplicationBuilder builder)
    {
        builder.Services.Configure<ShopperOptions>(builder.Configuration.GetSection("Shopper"));
        // An instrumented HttpClient: every order starts with an HTTP hop (W3C headers) into the gateway.
        builder.Services.AddHttpClient(ShopperWorker.GatewayClientName, client => client.BaseAddress = new Uri("http://gateway"));
        builder.Services.AddHostedService<ShopperWorker>();
        return builder;
    }
}
