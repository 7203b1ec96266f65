using System.Reflection;
using Microsoft.Extensions.Logging;

namespace FailClosed.Gates.Extensions.Tests.Telemetry;

public sealed class EventIdTests
{
    [Fact]
    public void EventIds_AreDistinctAndInThePackageRange()
    {
        int[] ids = [.. Constants().Select(static c => c.Id)];

        Assert.Equal(ids.Length, ids.Distinct().Count());
        Assert.All(ids, static id => Assert.InRange(id, 2000, 2999));
    }

    [Fact]
    public void EveryLogEvent_UsesADocumentedIdUnderItsConstantsName()
    {
        Dictionary<int, string> names = Constants().ToDictionary(static c => c.Id, static c => c.Name);
        LoggerMessageAttribute[] events = [.. typeof(Log).GetMethods(BindingFlags.Public | BindingFlags.Static)
            .Select(static m => m.GetCustomAttribute<LoggerMessageAttribute>())
            .OfType<LoggerMessageAttribute>()];

        Assert.Equal(names.Count, events.Length);
        Assert.All(events, e => Assert.Equal(names[e.EventId], e.EventName));
    }

    private static IEnumerable<(string Name, int Id)> Constants() =>
        typeof(FailClosedGatesEventIds).GetFields(BindingFlags.Public | BindingFlags.Static)
            .Where(static f => f.IsLiteral)
            .Select(static f => (f.Name, (int)f.GetRawConstantValue()!));
}
