"""The demo data a newcomer logs in with (seeded by `manage.py seed_demo`)."""

DEMO_PASSWORD = "microblog-demo"  # noqa: S105 (published in the README, local demo only)
DEMO_USERS = {
    "susan": "Loves long walks and short posts.",
    "john": "Here for the error pages.",
}
WORDS = ("the", "a", "quick", "brown", "fox", "jumps", "over", "lazy", "dog", "error", "page")
