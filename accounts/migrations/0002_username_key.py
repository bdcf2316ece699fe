import unicodedata

from django.db import migrations, models


def fill_username_keys(apps, schema_editor):
    # username_key() of accounts.models as it was when this migration was written.
    User = apps.get_model("accounts", "User")
    users = list(User.objects.only("username"))
    for user in users:
        user.username_key = unicodedata.normalize("NFKC", user.username).casefold()
    User.objects.bulk_update(users, ["username_key"], batch_size=1000)


class Migration(migrations.Migration):

    dependencies = [
        ("accounts", "0001_initial"),
    ]

    operations = [
        migrations.AddField(
            model_name="user",
            name="username_key",
            field=models.CharField(default="", editable=False, max_length=450),
            preserve_default=False,
        ),
        migrations.RunPython(fill_username_keys, migrations.RunPython.noop),
        migrations.RemoveConstraint(model_name="user", name="user_username_ci_unique"),
        migrations.AddConstraint(
            model_name="user",
            constraint=models.UniqueConstraint(
                fields=["username_key"],
                name="user_username_key_unique",
                violation_error_message="Please use a different username.",
            ),
        ),
    ]
