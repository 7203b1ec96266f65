using FailClosed.Gates;
using FailClosed.Gates.Samples.RetrievalGuard;

// A document-grounded assistant retrieves candidate documents, then asks the ACL service which of them the user may
// read. Only a complete answer is used: when the answer misses an id, says it is partial, or the metadata filter
// fails to load, or the service does not answer in time, the assistant gets no documents at all — never the part
// that happened to be authorised.
var documents = new Dictionary<string, string>(StringComparer.Ordinal)
{
    ["doc-handbook"] = "Employee handbook: expenses are filed within 30 days.",
    ["doc-travel"] = "Travel policy: economy class below six hours.",
    ["doc-salaries"] = "Salary bands 2026 (restricted).",
    ["doc-merger"] = "Project Falcon: acquisition terms (restricted).",
};
string[] retrieved = ["doc-handbook", "doc-salaries", "doc-travel", "doc-merger"];

var acl = new AclService();
var filter = new EntitlementFilter("document-acl", acl, TimeSpan.FromMilliseconds(300));

Console.WriteLine($"alice asks: \"How do I file travel expenses?\"  Retrieval found: {string.Join(", ", retrieved)}");
Console.WriteLine();

var expected = new Dictionary<AclBehaviour, int>
{
    [AclBehaviour.Complete] = 2,
    [AclBehaviour.MissesSomeIds] = 0,
    [AclBehaviour.SaysPartial] = 0,
    [AclBehaviour.MetadataFilterFailsToLoad] = 0,
    [AclBehaviour.Hangs] = 0,
};
bool asExpected = true;
foreach ((AclBehaviour behaviour, int count) in expected)
{
    acl.Behaviour = behaviour;
    EntitlementResult result = await filter.FilterAsync("alice", retrieved);
    Console.WriteLine($"ACL service: {Describe(behaviour)}");
    Console.WriteLine($"  decision : {result.Decision}");
    Console.WriteLine(result.Items.Count == 0
        ? "  grounding: no documents; the assistant answers \"I can't access the documents needed right now.\""
        : "  grounding: " + string.Join(" | ", result.Items.Select(id => documents[id])));
    Console.WriteLine();
    asExpected &= result.Items.Count == count;
}

return asExpected ? 0 : 1;

static string Describe(AclBehaviour behaviour) => behaviour switch
{
    AclBehaviour.Complete => "answers for every document (2 granted, 2 refused)",
    AclBehaviour.MissesSomeIds => "answers, but says nothing about doc-salaries (a shard timed out)",
    AclBehaviour.SaysPartial => "grants 2 documents and says its answer is partial",
    AclBehaviour.MetadataFilterFailsToLoad => "fails: the metadata filter could not be loaded",
    _ => "does not answer within 300 ms",
};
