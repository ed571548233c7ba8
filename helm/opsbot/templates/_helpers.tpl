{{/* Chart name, within the 63 characters Kubernetes allows in a name. */}}
{{- define "opsbot.name" -}}
{{- default .Chart.Name .Values.nameOverride | trunc 63 | trimSuffix "-" }}
{{- end }}

{{/* Release-qualified name; the release name alone when it already contains the chart name. */}}
{{- define "opsbot.fullname" -}}
{{- if .Values.fullnameOverride }}
{{- .Values.fullnameOverride | trunc 63 | trimSuffix "-" }}
{{- else }}
{{- $name := default .Chart.Name .Values.nameOverride }}
{{- if contains $name .Release.Name }}
{{- .Release.Name | trunc 63 | trimSuffix "-" }}
{{- else }}
{{- printf "%s-%s" .Release.Name $name | trunc 63 | trimSuffix "-" }}
{{- end }}
{{- end }}
{{- end }}

{{- define "opsbot.chart" -}}
{{- printf "%s-%s" .Chart.Name .Chart.Version | replace "+" "_" | trunc 63 | trimSuffix "-" }}
{{- end }}

{{- define "opsbot.labels" -}}
helm.sh/chart: {{ include "opsbot.chart" . }}
{{ include "opsbot.selectorLabels" . }}
app.kubernetes.io/version: {{ .Chart.AppVersion | quote }}
app.kubernetes.io/managed-by: {{ .Release.Service }}
{{- end }}

{{- define "opsbot.selectorLabels" -}}
app.kubernetes.io/name: {{ include "opsbot.name" . }}
app.kubernetes.io/instance: {{ .Release.Name }}
{{- end }}

{{/* The image reference: a digest pins an exact build and wins over the tag. */}}
{{- define "opsbot.image" -}}
{{- if .Values.image.digest }}
{{- printf "%s@%s" .Values.image.repository .Values.image.digest }}
{{- else }}
{{- printf "%s:%s" .Values.image.repository (default .Chart.AppVersion .Values.image.tag) }}
{{- end }}
{{- end }}

{{/* The worker's ServiceAccount: the only one bound to the bot's IAM role. */}}
{{- define "opsbot.serviceAccountName" -}}
{{- default (include "opsbot.fullname" .) .Values.serviceAccount.name }}
{{- end }}

{{/* web and scheduler never call AWS, so they run under a ServiceAccount with no cloud identity. */}}
{{- define "opsbot.webServiceAccountName" -}}
{{- if .Values.serviceAccount.create }}
{{- printf "%s-web" (include "opsbot.fullname" .) | trunc 63 | trimSuffix "-" }}
{{- else }}
{{- default "default" .Values.serviceAccount.webName }}
{{- end }}
{{- end }}

{{- define "opsbot.redisName" -}}
{{- printf "%s-redis" (include "opsbot.fullname" .) | trunc 63 | trimSuffix "-" }}
{{- end }}

{{/* Inventory from the ConfigMap when given, else the copy baked into the image (WORKDIR /app). */}}
{{- define "opsbot.inventoryDir" -}}
{{- if .Values.inventory.environments }}
{{- print "/etc/opsbot/inventory" }}
{{- else }}
{{- print "infra" }}
{{- end }}
{{- end }}

{{/* One environment variable read from the credentials Secret; `optional` when the key may be absent. */}}
{{- define "opsbot.secretEnv" -}}
- name: {{ .name }}
  valueFrom:
    secretKeyRef:
      name: {{ .root.Values.secrets.name }}
      key: {{ .key }}
{{- if .optional }}
      optional: true
{{- end }}
{{- end }}

{{/* Settings the chart cannot express in values.schema.json. */}}
{{- define "opsbot.validate" -}}
{{- $redis := .Values.redis }}
{{- if and (not $redis.bundled.enabled) (not $redis.external.url) (not $redis.external.urlFromSecret) }}
{{- fail "redis: enable redis.bundled, or set redis.external.url, or redis.external.urlFromSecret" }}
{{- end }}
{{- if and (eq .Values.aws.identity "irsa") (not .Values.aws.roleArn) }}
{{- fail "aws.identity=irsa needs aws.roleArn (terraform output role_arn)" }}
{{- end }}
{{- end }}
