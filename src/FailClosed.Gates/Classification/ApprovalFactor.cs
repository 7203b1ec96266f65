namespace FailClosed.Gates;

/// <summary>One factor of an <see cref="ApprovalRule"/>: <see cref="Approvers"/> distinct reviewers holding <see cref="Role"/>.</summary>
/// <param name="Approvers">How many distinct reviewers must approve; at least 1.</param>
/// <param name="Role">The role they must hold in the reviewer directory.</param>
public readonly record struct ApprovalFactor(int Approvers, string Role)
{
    /// <summary>Returns the factor as <c>2 x finance</c>.</summary>
    /// <returns>The text.</returns>
    public override string ToString() => Approvers.ToString(System.Globalization.CultureInfo.InvariantCulture) + " x " + Role;
}
