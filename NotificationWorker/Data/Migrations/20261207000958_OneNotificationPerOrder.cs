using Microsoft.EntityFrameworkCore.Migrations;

#nullable disable

namespace DistributedTracing.NotificationWorker.Data.Migrations
{
    /// <inheritdoc />
    public partial class OneNotificationPerOrder : Migration
    {
        /// <inheritdoc />
        protected override void Up(MigrationBuilder migrationBuilder)
        {
            // Before the key existed a redelivery could store a second notification: keep each order's first.
            migrationBuilder.Sql("""
                DELETE FROM notifications AS later USING notifications AS first
                WHERE later."OrderId" = first."OrderId" AND later."Id" > first."Id";
                """);

            migrationBuilder.DropIndex(
                name: "IX_notifications_OrderId",
                table: "notifications");

            migrationBuilder.CreateIndex(
                name: "IX_notifications_OrderId",
                table: "notifications",
                column: "OrderId",
                unique: true);
        }

        /// <inheritdoc />
        protected override void Down(MigrationBuilder migrationBuilder)
        {
            migrationBuilder.DropIndex(
                name: "IX_notifications_OrderId",
                table: "notifications");

            migrationBuilder.CreateIndex(
                name: "IX_notifications_OrderId",
                table: "notifications",
                column: "OrderId");
        }
    }
}
