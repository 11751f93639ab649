using ECommerce.Api.Dashboard;
using ECommerce.Api.Health;
using ECommerce.Api.Telemetry;
using ECommerce.Grains;
using ECommerce.Silo;

var builder = WebApplication.CreateBuilder(args);

builder.Services.AddSilo(builder.Configuration, typeof(UserGrain).Assembly);
builder.Services.AddDashboard();
builder.Services.AddHealth(builder.Configuration);
builder.Services.AddOtlpMetrics(builder.Configuration);

var app = builder.Build();

app.UseStaticFiles();
app.MapHealth();
app.MapDashboard();

app.Run();

public partial class Program;
