using ECommerce.Api.Admin;
using ECommerce.Api.Coupons;
using ECommerce.Api.Dashboard;
using ECommerce.Api.DemoData;
using ECommerce.Api.Errors;
using ECommerce.Api.Health;
using ECommerce.Api.Hosting;
using ECommerce.Api.Orders;
using ECommerce.Api.Products;
using ECommerce.Api.Telemetry;
using ECommerce.Api.Users;

// The SQLite files under the content root change on every write; watching them for config reloads costs CPU.
var builder = WebApplication.CreateBuilder([.. args, "--hostBuilder:reloadConfigOnChange=false"]);

builder.Services.AddCommerceSilo(builder.Configuration);
builder.Services.AddDemoData();
builder.Services.AddApiErrors();
builder.Services.AddApiJson();
builder.Services.AddApiDocs();
builder.Services.AddDashboard();
builder.Services.AddAdminPage();
builder.Services.AddHealth();
builder.Services.AddOtlpMetrics();

var app = builder.Build();

app.UseApiErrors();
app.UseRequestBodyLimit();
app.UseApiDocs();
app.UseStaticFiles();
app.UseDomainErrors();

app.MapUsersApi();
app.MapProductsApi();
app.MapCouponsApi();
app.MapOrdersApi();
app.MapDeadLettersApi();
app.MapHealth();
app.MapDashboard();
app.MapAdminPage();

app.Run();

public partial class Program;
