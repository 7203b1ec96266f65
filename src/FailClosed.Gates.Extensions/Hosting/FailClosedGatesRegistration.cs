namespace FailClosed.Gates.Extensions;

/// <summary>Marks one <c>AddFailClosedGates</c> registration in the container, so a second call with the same name adds nothing.</summary>
internal sealed class FailClosedGatesRegistration(string name)
{
    public string Name { get; } = name;
}
