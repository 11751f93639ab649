using ECommerce.Grains.Abstractions.Commerce;
using Microsoft.AspNetCore.Http.HttpResults;

namespace ECommerce.Api.Errors;

/// <summary>Collects what is wrong with a request at the edge (missing fields, ids &lt;= 0, numbers that do not fit);
/// the grains still enforce every business rule.</summary>
internal sealed class RequestValidation
{
    private readonly Dictionary<string, List<string>> _errors = new(StringComparer.Ordinal);

    public bool IsValid => _errors.Count == 0;

    public RequestValidation Check(bool valid, string field, string message)
    {
        if (!valid)
        {
            if (!_errors.TryGetValue(field, out var messages))
            {
                _errors[field] = messages = [];
            }

            messages.Add(message);
        }

        return this;
    }

    public RequestValidation Id(long? id, string field) => Check(id > 0, field, $"{field} must be a positive id.");

    public RequestValidation OptionalId(long? id, string field) =>
        Check(id is null or > 0, field, $"{field} must be a positive id when given.");

    public RequestValidation Required(object? value, string field) => Check(value is not null, field, $"{field} is required.");

    public RequestValidation InRange(long? value, long min, long max, string field) =>
        Check(value is not null && value >= min && value <= max, field, $"{field} must be {min}..{max}.");

    public ValidationProblem ToProblem(string code = DomainErrors.ValidationFailed) =>
        TypedResults.ValidationProblem(
            _errors.ToDictionary(e => e.Key, e => e.Value.ToArray()),
            title: "The request is invalid.",
            extensions: new Dictionary<string, object?> { [ErrorCodes.Extension] = code });
}
