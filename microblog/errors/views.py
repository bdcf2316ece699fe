from django.contrib.admin.views.decorators import staff_member_required


@staff_member_required
def raise_test_error(request):
    """Fail on purpose, so that staff can check error emails and the log file end to end."""
    raise RuntimeError(f"Test error requested by {request.user.username}")
