using System.Xml.Linq;
using Microsoft.AspNetCore.DataProtection.Repositories;

namespace DistributedTracing.TraceLab.Security;

/// <summary>
/// Keeps data-protection keys (which sign the session cookie) in memory: a session lasts as long as
/// the Trace Lab process, and no key is written to the user's profile.
/// </summary>
internal sealed class InMemoryXmlRepository : IXmlRepository
{
    private readonly List<XElement> _elements = [];
    private readonly Lock _lock = new();

    public IReadOnlyCollection<XElement> GetAllElements()
    {
        lock (_lock)
        {
            return [.. _elements.Select(e => new XElement(e))];
        }
    }

    public void StoreElement(XElement element, string friendlyName)
    {
        lock (_lock)
        {
            _elements.Add(new XElement(element));
        }
    }
}
