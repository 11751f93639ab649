namespace ECommerce.Api.Identity;

public sealed record TokenRequest(string? Email, string? Password);

/// <param name="TokenType">Always <c>Bearer</c>.</param>
/// <param name="ExpiresIn">Seconds until the token expires.</param>
public sealed record TokenResponse(string AccessToken, string TokenType, long ExpiresIn);
