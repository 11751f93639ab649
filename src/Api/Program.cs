using ECommerce.Api.Admin;
using ECommerce.Api.Cart;
using ECommerce.Api.Coupons;
using ECommerce.Api.DemoData;
using ECommerce.Api.Errors;
using ECommerce.Api.Health;
using ECommerce.Api.Hosting;
using ECommerce.Api.Identity;
using ECommerce.Api.Orders;
using ECommerce.Api.Products;
using ECommerce.Api.Queues;
using ECommerce.Api.Telemetry;
using ECommerce.Api.Users;
using ECommerce.Silo.Hosting;

// The SQLite files under the content root change on every write; watching them for config reloads costs CPU.
var builder = WebApplication.CreateBuilder([.. args, "--hostBuilder:reloadConfigOnChange=false"]);

builder.UseOrleans(silo => silo.AddCommerceSilo(builder.Configuration).AddDemoData().AddAccounts());
builder.Services.AddApiErrors();
builder.Services.AddApiJson();
builder.Services.AddAccounts();
builder.Services.AddApiDocs();
builder.Services.AddAdminPage();
builder.Services.AddHealth();
builder.Services.AddOtlpMetrics();

var app = builder.Build();

app.UseApiErrors();
app.UseRequestBodyLimit();
app.UseApiDocs();
app.UseStaticFiles();
app.UseAccounts();
app.UseDomainErrors();

app.MapAuthApi();
app.MapLoginPage();
app.MapUsersApi();
app.MapProductsApi();
app.MapCouponsApi();
app.MapOrdersApi();
app.MapUserOrdersApi();
app.MapQueuesApi();
app.MapCartApi();
app.MapDeadLettersApi();
app.MapHealth();
app.MapRuntimeDashboard();
app.MapAdminPage();

app.Run();

public partial class Program;
