"""The Flask Mega-Tutorial's microblog as it stands at the end of chapter 7 (v0.7), in one file:
the floor that `python -m bench.floors` measures our pages against.

Its pages as the tutorial has them: /login (Flask-WTF form with CSRF), /index (login required,
the chapter's two hard-coded posts), /user/<username> (the user from the database, two
hard-coded posts), the shared base template with its navigation. Run under gunicorn with 2 sync
workers: `gunicorn app:app` in this folder, with its own virtualenv (bench/floors.py makes it).
"""

import os
from datetime import UTC, datetime
from hashlib import md5

import sqlalchemy as sa
from flask import Flask, flash, redirect, render_template, request, url_for
from flask_login import LoginManager, UserMixin, current_user, login_required, login_user
from flask_sqlalchemy import SQLAlchemy
from flask_wtf import FlaskForm
from werkzeug.security import check_password_hash, generate_password_hash
from wtforms import BooleanField, PasswordField, StringField, SubmitField
from wtforms.validators import DataRequired

app = Flask(__name__)
app.config["SECRET_KEY"] = "a-benchmark-only-key"  # noqa: S105
app.config["SQLALCHEMY_DATABASE_URI"] = os.environ["FLASK_DATABASE_URL"]
db = SQLAlchemy(app)
login_manager = LoginManager(app)
login_manager.login_view = "login"


class User(UserMixin, db.Model):
    id = db.Column(db.Integer, primary_key=True)
    username = db.Column(db.String(64), index=True, unique=True)
    email = db.Column(db.String(120), index=True, unique=True)
    password_hash = db.Column(db.String(256))
    about_me = db.Column(db.String(140))
    last_seen = db.Column(db.DateTime, default=lambda: datetime.now(UTC))

    def set_password(self, password):
        self.password_hash = generate_password_hash(password)

    def check_password(self, password):
        return check_password_hash(self.password_hash, password)

    def avatar(self, size):
        digest = md5(self.email.lower().encode("utf-8"), usedforsecurity=False).hexdigest()
        return f"https://www.gravatar.com/avatar/{digest}?d=identicon&s={size}"


@login_manager.user_loader
def load_user(id):
    return db.session.get(User, int(id))


class LoginForm(FlaskForm):
    username = StringField("Username", validators=[DataRequired()])
    password = PasswordField("Password", validators=[DataRequired()])
    remember_me = BooleanField("Remember Me")
    submit = SubmitField("Sign In")


@app.before_request
def before_request():
    if current_user.is_authenticated:
        current_user.last_seen = datetime.now(UTC)
        db.session.commit()


@app.route("/")
@app.route("/index")
@login_required
def index():
    posts = [
        {"author": {"username": "John"}, "body": "Beautiful day in Portland!"},
        {"author": {"username": "Susan"}, "body": "The Avengers movie was so cool!"},
    ]
    return render_template("index.html", title="Home", posts=posts)


@app.route("/login", methods=["GET", "POST"])
def login():
    if current_user.is_authenticated:
        return redirect(url_for("index"))
    form = LoginForm()
    if form.validate_on_submit():
        user = db.session.scalar(sa.select(User).where(User.username == form.username.data))
        if user is None or not user.check_password(form.password.data):
            flash("Invalid username or password")
            return redirect(url_for("login"))
        login_user(user, remember=form.remember_me.data)
        return redirect(request.args.get("next") or url_for("index"))
    return render_template("login.html", title="Sign In", form=form)


@app.route("/user/<username>")
@login_required
def user(username):
    user = db.first_or_404(sa.select(User).where(User.username == username))
    posts = [{"author": user, "body": "Test post #1"}, {"author": user, "body": "Test post #2"}]
    return render_template("user.html", user=user, posts=posts)


def seed(password):
    with app.app_context():
        db.create_all()
        if db.session.scalar(sa.select(User).where(User.username == "susan")) is None:
            susan = User(username="susan", email="susan@example.com", about_me="Hi")
            susan.set_password(password)
            db.session.add(susan)
            db.session.commit()
