from django import template

register = template.Library()


@register.filter
def avatar(user, size):
    """{{ user|avatar:128 }}: templates cannot pass an argument to User.avatar()."""
    return user.avatar(size)
