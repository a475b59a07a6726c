// Each app model starts real Postgres, RabbitMQ and six .NET processes: on two cores, one at a time.
[assembly: CollectionBehavior(DisableTestParallelization = true)]
[assembly: System.Runtime.Versioning.SupportedOSPlatform("linux")]
