"""Vendors' token formats, written from each vendor's published description of its
tokens (prefix, alphabet, length, checksum). One row per format: kind, title, the value's
pattern and a short literal hint for the prefilter.

A row's value is a secret unless it is a placeholder, a vendor's public or test-mode key
or documentation example, too uniform to be random, or (GitHub, npm) fails its checksum.
"""

from __future__ import annotations

import re

from gonogo.secrets.rule import Candidate, Detector, ci
from gonogo.secrets.values import crc32_token_ok, entropy, is_not_live, is_placeholder, is_sequence

END = rb"(?:[^A-Za-z0-9_+/=-]|$)"
_B = rb"(?:^|[^A-Za-z0-9_+/-])"  # the value starts a token (RE2 has no look-behind)


def vendor_token(c: Candidate) -> bool:
    """Not a placeholder, documented example or test key; random enough for its length."""
    v = c.value
    if is_not_live(v) or is_sequence(v) or b"xxxx" in v.lower() or b"XXXX" in v:
        return False
    if is_placeholder(v.split(b"_")[-1]) and entropy(v) < 4.0:
        return False
    return entropy(v) >= 3.0


def checksummed(c: Candidate) -> bool:
    return crc32_token_ok(c.value) and vendor_token(c)


def _row(kind: str, title: str, value: bytes, hint: bytes, *, crc: bool = False) -> Detector:
    check = checksummed if crc else vendor_token
    return Detector(kind, title, _B + b"(?P<v>" + value + b")" + END, _short(hint), check)


def _short(hint: bytes) -> bytes:
    """A hint counts at most 8 repetitions where a count ends an alternative (so it stays
    a superset of the pattern): every count the prefilter's automaton tracks at once
    multiplies its states, and the full length is the detector's to check."""
    return re.sub(rb"\{(\d+)(?:,\d*)?\}(?=$|\|)", lambda m: b"{%d}" % min(int(m.group(1)), 8), hint)


_ROWS: tuple[tuple[str, str, bytes, bytes], ...] = (
    # (kind, title, value pattern, hint)
    (
        "aws-access-key-id",
        "AWS access key ID",
        rb"(?:AKIA|ASIA|ABIA|ACCA)[A-Z2-7]{16}",
        rb"(?:AKIA|ASIA|ABIA|ACCA)[A-Z2-7]{16}",
    ),
    (
        "github-token",
        "GitHub fine-grained token",
        rb"github_pat_[A-Za-z0-9]{22}_[A-Za-z0-9]{59}",
        rb"github_pat_",
    ),
    (
        "gitlab-token",
        "GitLab token",
        rb"gl(?:pat|ptt|dt|rt|cbt|oas|soat|imt|agent|ft|ffct)-[A-Za-z0-9_-]{20,64}",
        rb"gl(?:pat|ptt|dt|rt|cbt|oas|soat|imt|agent|ft|ffct)-",
    ),
    (
        "gitlab-token",
        "GitLab runner registration token",
        rb"GR1348941[A-Za-z0-9_-]{20}",
        rb"GR1348941",
    ),
    ("slack-token", "Slack token", rb"xox[abposr]-[0-9A-Za-z-]{10,250}", rb"xox[abposr]-"),
    ("slack-token", "Slack app token", rb"xapp-\d-[A-Z0-9]+-\d+-[a-f0-9]{32,}", rb"xapp-\d-"),
    (
        "slack-webhook",
        "Slack webhook URL",
        rb"https://hooks\.slack\.com/(?:services|workflows)/T[A-Z0-9]{6,12}/[A-Z0-9]{6,12}/"
        rb"[A-Za-z0-9]{20,32}",
        rb"hooks\.slack\.com/",
    ),
    ("stripe-key", "Stripe live key", rb"(?:sk|rk)_live_[0-9A-Za-z]{24,247}", rb"[sr]k_live_"),
    ("stripe-key", "Stripe webhook signing secret", rb"whsec_[A-Za-z0-9]{32,64}", rb"whsec_"),
    ("google-api-key", "Google API key", rb"AIza[0-9A-Za-z_-]{35}", rb"AIza"),
    (
        "google-oauth-secret",
        "Google OAuth client secret",
        rb"GOCSPX-[A-Za-z0-9_-]{28}",
        rb"GOCSPX-",
    ),
    (
        "openai-key",
        "OpenAI API key",
        rb"sk-(?:proj-|svcacct-|admin-)?[A-Za-z0-9_-]{16,200}T3BlbkFJ[A-Za-z0-9_-]{16,200}",
        rb"T3BlbkFJ",
    ),
    (
        "anthropic-key",
        "Anthropic API key",
        rb"sk-ant-(?:api|admin|oat)\d\d-[A-Za-z0-9_-]{80,120}",
        rb"sk-ant-",
    ),
    (
        "huggingface-token",
        "Hugging Face token",
        rb"(?:hf_|api_org_)[A-Za-z0-9]{34}",
        rb"(?:hf_|api_org_)[A-Za-z0-9]{34}",
    ),
    ("groq-key", "Groq API key", rb"gsk_[A-Za-z0-9]{52}", rb"gsk_"),
    (
        "pypi-token",
        "PyPI token",
        rb"pypi-(?:AgEIcHlwaS5vcmc|AgENdGVzdC5weXBpLm9yZw)[A-Za-z0-9_-]{50,300}",
        rb"pypi-AgE",
    ),
    ("sendgrid-key", "SendGrid API key", rb"SG\.[A-Za-z0-9_-]{22}\.[A-Za-z0-9_-]{43}", rb"SG\."),
    ("twilio-key", "Twilio API key", rb"SK[0-9a-f]{32}", rb"SK[0-9a-f]{32}"),
    ("mailchimp-key", "Mailchimp API key", rb"[0-9a-f]{32}-us\d{1,2}", rb"[0-9a-f]{4}-us\d"),
    (
        "mailgun-key",
        "Mailgun API key",
        rb"key-[0-9a-f]{32}|[0-9a-f]{32}-[0-9a-f]{8}-[0-9a-f]{8}",
        rb"key-[0-9a-f]{32}|[0-9a-f]{8}-[0-9a-f]{8}-[0-9a-f]{8}",
    ),
    (
        "square-token",
        "Square access token",
        rb"EAAA[A-Za-z0-9_-]{60}|sq0atp-[A-Za-z0-9_-]{22}",
        rb"EAAA[A-Za-z0-9_-]{60}|sq0atp-",
    ),
    ("square-token", "Square OAuth secret", rb"sq0csp-[A-Za-z0-9_-]{43}", rb"sq0csp-"),
    (
        "shopify-token",
        "Shopify token",
        rb"shp(?:at|ca|pa|ss)_[a-fA-F0-9]{32}",
        rb"shp(?:at|ca|pa|ss)_",
    ),
    ("vault-token", "HashiCorp Vault token", rb"hv[sbr]\.[A-Za-z0-9_-]{24,300}", rb"hv[sbr]\."),
    (
        "terraform-cloud-token",
        "Terraform Cloud token",
        rb"[A-Za-z0-9]{14}\.atlasv1\.[A-Za-z0-9_-]{60,70}",
        rb"\.atlasv1\.",
    ),
    ("digitalocean-token", "DigitalOcean token", rb"do[por]_v1_[a-f0-9]{64}", rb"do[por]_v1_"),
    ("heroku-key", "Heroku API key", rb"HRKU-AA[A-Za-z0-9_-]{58}", rb"HRKU-"),
    (
        "doppler-token",
        "Doppler token",
        rb"dp\.(?:pt|st|sa|ct|scim|audit)\.[A-Za-z0-9._-]{40,90}",
        rb"dp\.(?:pt|st|sa|ct|scim|audit)\.",
    ),
    (
        "linear-key",
        "Linear API key",
        rb"lin_api_[A-Za-z0-9]{40}|lin_oauth_[a-f0-9]{64}",
        rb"lin_(?:api|oauth)_",
    ),
    ("atlassian-token", "Atlassian API token", rb"AT[AC]TT3[A-Za-z0-9_=-]{150,300}", rb"AT[AC]TT3"),
    (
        "discord-token",
        "Discord bot token",
        rb"[MNO][A-Za-z0-9_-]{23,25}\.[A-Za-z0-9_-]{6}\.[A-Za-z0-9_-]{27,40}",
        ci("discord"),  # no prefix: a file that names Discord
    ),
    (
        "discord-webhook",
        "Discord webhook URL",
        rb"https://(?:ptb\.|canary\.)?discord(?:app)?\.com/api/webhooks/\d{17,20}/[A-Za-z0-9_-]{60,68}",
        rb"/api/webhooks/",
    ),
    (
        "telegram-bot-token",
        "Telegram bot token",
        rb"\d{8,10}:AA[A-Za-z0-9_-]{33}",
        rb":AA[A-Za-z0-9_-]{33}",
    ),
    (
        "azure-ad-secret",
        "Azure AD client secret",
        rb"[A-Za-z0-9_~.-]{3}\dQ~[A-Za-z0-9_~.-]{31,34}",
        rb"\dQ~",
    ),
    ("postman-key", "Postman API key", rb"PMAK-[a-f0-9]{24}-[a-f0-9]{34}", rb"PMAK-"),
    (
        "sentry-token",
        "Sentry token",
        rb"sntryu_[a-f0-9]{64}|sntrys_eyJ[A-Za-z0-9+/_=-]{60,400}",
        rb"sntry[us]_",
    ),
    (
        "newrelic-key",
        "New Relic key",
        rb"NRAK-[A-Z0-9]{27}|NRJS-[a-f0-9]{19}|NRII-[A-Za-z0-9_-]{32}",
        rb"NR(?:AK|JS|II)-",
    ),
    (
        "grafana-token",
        "Grafana token",
        rb"glsa_[A-Za-z0-9]{32}_[a-fA-F0-9]{8}|glc_eyJ[A-Za-z0-9+/=_-]{32,400}",
        rb"gl(?:sa|c)_",
    ),
    ("databricks-token", "Databricks token", rb"dapi[a-f0-9]{32}(?:-\d)?", rb"dapi[a-f0-9]{32}"),
    ("dropbox-token", "Dropbox token", rb"sl\.[A-Za-z0-9_-]{130,160}", rb"sl\.[A-Za-z0-9_-]{130}"),
    ("figma-token", "Figma token", rb"figd_[A-Za-z0-9_-]{40}", rb"figd_"),
    (
        "planetscale-token",
        "PlanetScale token",
        rb"pscale_(?:tkn|pw|oauth)_[A-Za-z0-9_.-]{32,64}",
        rb"pscale_",
    ),
    ("pulumi-token", "Pulumi token", rb"pul-[a-f0-9]{40}", rb"pul-[a-f0-9]{40}"),
    (
        "supabase-token",
        "Supabase token",
        rb"sbp_[a-f0-9]{40}|sb_secret_[A-Za-z0-9_-]{31}",
        rb"sbp_|sb_secret_",
    ),
    (
        "notion-token",
        "Notion token",
        rb"ntn_\d{11}[A-Za-z0-9]{35}|secret_[A-Za-z0-9]{43}",
        rb"ntn_\d|secret_[A-Za-z0-9]{43}",
    ),
    (
        "airtable-token",
        "Airtable token",
        rb"pat[A-Za-z0-9]{14}\.[a-f0-9]{64}",
        rb"pat[A-Za-z0-9]{8}",
    ),
    (
        "mapbox-token",
        "Mapbox secret token",
        rb"sk\.eyJ[A-Za-z0-9_-]{20,}\.[A-Za-z0-9_-]{20,}",
        rb"sk\.eyJ",
    ),
    (
        "age-key",
        "age secret key",
        rb"AGE-SECRET-KEY-1[QPZRY9X8GF2TVDW0S3JN54KHCE6MUA7L]{58}",
        rb"AGE-SECRET-KEY-1",
    ),
    (
        "alibaba-key",
        "Alibaba Cloud access key ID",
        rb"LTAI[A-Za-z0-9]{12,20}",
        rb"LTAI[A-Za-z0-9]{12}",
    ),
    ("contentful-token", "Contentful token", rb"CFPAT-[A-Za-z0-9_-]{43}", rb"CFPAT-"),
    ("dynatrace-token", "Dynatrace token", rb"dt0c01\.[A-Z0-9]{24}\.[A-Z0-9]{64}", rb"dt0c01\."),
    ("easypost-key", "EasyPost API key", rb"EZAK[A-Za-z0-9]{54}", rb"EZAK"),
    ("flutterwave-key", "Flutterwave secret key", rb"FLWSECK-[a-f0-9]{32}-X", rb"FLWSECK-"),
    ("prefect-key", "Prefect API key", rb"pnu_[A-Za-z0-9]{36}", rb"pnu_"),
    ("readme-key", "ReadMe API key", rb"rdme_[a-f0-9]{70}", rb"rdme_"),
    ("rubygems-key", "RubyGems API key", rb"rubygems_[a-f0-9]{48}", rb"rubygems_"),
    (
        "brevo-key",
        "Brevo API key",
        rb"x(?:keysib|smtpsib)-[a-f0-9]{64}-[A-Za-z0-9]{16}",
        rb"x(?:keysib|smtpsib)-",
    ),
    ("clojars-token", "Clojars token", rb"CLOJARS_[a-f0-9]{60}", rb"CLOJARS_"),
    (
        "docker-hub-token",
        "Docker Hub token",
        rb"dckr_(?:pat|oat)_[A-Za-z0-9_-]{27,64}",
        rb"dckr_(?:pat|oat)_",
    ),
    ("buildkite-token", "Buildkite token", rb"bkua_[a-f0-9]{40}", rb"bkua_"),
    ("circleci-token", "CircleCI token", rb"CCIPAT_[A-Za-z0-9]{22}_[a-f0-9]{40}", rb"CCIPAT_"),
    ("perplexity-key", "Perplexity API key", rb"pplx-[A-Za-z0-9]{48}", rb"pplx-"),
    ("replicate-token", "Replicate token", rb"r8_[A-Za-z0-9]{37}", rb"r8_[A-Za-z0-9]{37}"),
    ("xai-key", "xAI API key", rb"xai-[A-Za-z0-9]{80}", rb"xai-[A-Za-z0-9]{80}"),
    ("langsmith-key", "LangSmith API key", rb"lsv2_(?:pt|sk)_[a-f0-9]{32}_[a-f0-9]{10}", rb"lsv2_"),
    (
        "tailscale-key",
        "Tailscale key",
        rb"tskey-(?:auth|api|client|scim|webhook)-[A-Za-z0-9]+-[A-Za-z0-9]{20,}",
        rb"tskey-",
    ),
    (
        "1password-token",
        "1Password service account token",
        rb"ops_eyJ[A-Za-z0-9+/_=-]{100,}",
        rb"ops_eyJ",
    ),
    (
        "packagist-token",
        "Private Packagist token",
        rb"packagist_[ou][ru]t_[a-f0-9]{68}",
        rb"packagist_",
    ),
    ("octopus-key", "Octopus Deploy API key", rb"API-[A-Z0-9]{26}", rb"API-[A-Z0-9]{26}"),
    ("shippo-token", "Shippo live token", rb"shippo_live_[a-f0-9]{40}", rb"shippo_live_"),
    ("adafruit-key", "Adafruit IO key", rb"aio_[A-Za-z0-9]{28}", rb"aio_[A-Za-z0-9]{28}"),
    (
        "firebase-key",
        "Firebase Cloud Messaging server key",
        rb"AAAA[A-Za-z0-9_-]{7}:APA91b[A-Za-z0-9_-]{134}",
        rb":APA91b",
    ),
    (
        "jfrog-token",
        "JFrog token",
        rb"AKCp[A-Za-z0-9]{69}|cmVmdGtuOjAxOj[A-Za-z0-9]{50,}",
        rb"AKCp[A-Za-z0-9]{69}|cmVmdGtuOjAxOj",
    ),
    (
        "fly-token",
        "Fly.io token",
        rb"fo1_[A-Za-z0-9_-]{43}|fm2_[A-Za-z0-9+/=_-]{100,}",
        rb"f(?:o1|m2)_",
    ),
    (
        "yandex-token",
        "Yandex token",
        rb"y0_[A-Za-z0-9_-]{55}|AQVN[A-Za-z0-9_-]{35,38}",
        rb"y0_[A-Za-z0-9_-]{55}|AQVN",
    ),
)

_CRC_ROWS: tuple[tuple[str, str, bytes, bytes], ...] = (
    ("github-token", "GitHub token", rb"gh[pousr]_[A-Za-z0-9]{36}", rb"gh[pousr]_[A-Za-z0-9]{36}"),
    ("npm-token", "npm token", rb"npm_[A-Za-z0-9]{36}", rb"npm_[A-Za-z0-9]{36}"),
)

PROVIDERS: tuple[Detector, ...] = tuple(
    [_row(*row, crc=True) for row in _CRC_ROWS] + [_row(*row) for row in _ROWS]
)
