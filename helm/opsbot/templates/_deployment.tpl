{{/*
One Deployment per role (web, worker, scheduler): same image, OPSBOT_ROLE picks the part that runs.
Every role serves /healthz, /readyz and /metrics on port 3000 (web also takes Slack events there), so every
role has probes; a role's own livenessProbe/readinessProbe values win over web's.
*/}}
{{- define "opsbot.deployment" -}}
{{- $root := .root }}
{{- $role := .role }}
{{- $cfg := index $root.Values $role }}
{{- include "opsbot.validate" $root }}
{{- if $cfg.enabled }}
apiVersion: apps/v1
kind: Deployment
metadata:
  name: {{ include "opsbot.fullname" $root }}-{{ $role }}
  namespace: {{ $root.Release.Namespace }}
  labels:
    {{- include "opsbot.labels" $root | nindent 4 }}
    app.kubernetes.io/component: {{ $role }}
spec:
  replicas: {{ $cfg.replicaCount }}
  revisionHistoryLimit: 5
  selector:
    matchLabels:
      {{- include "opsbot.selectorLabels" $root | nindent 6 }}
      app.kubernetes.io/component: {{ $role }}
  strategy:
    type: RollingUpdate
    rollingUpdate:
      maxUnavailable: 0
      maxSurge: 1
  template:
    metadata:
      labels:
        {{- include "opsbot.selectorLabels" $root | nindent 8 }}
        app.kubernetes.io/component: {{ $role }}
      annotations:
        # A changed inventory rolls the pods: they read it once, at start.
        checksum/inventory: {{ include (print $root.Template.BasePath "/configmap-inventory.yaml") $root | sha256sum }}
        {{- with $cfg.podAnnotations }}
        {{- toYaml . | nindent 8 }}
        {{- end }}
    spec:
      serviceAccountName: {{ eq $role "worker" | ternary (include "opsbot.serviceAccountName" $root) (include "opsbot.webServiceAccountName" $root) }}
      # The bot never talks to Kubernetes with its ServiceAccount token: it uses EKS tokens from its IAM role.
      automountServiceAccountToken: false
      {{- with $root.Values.imagePullSecrets }}
      imagePullSecrets:
        {{- toYaml . | nindent 8 }}
      {{- end }}
      securityContext:
        {{- toYaml $root.Values.podSecurityContext | nindent 8 }}
      terminationGracePeriodSeconds: {{ $root.Values.terminationGracePeriodSeconds }}
      containers:
        - name: opsbot
          image: {{ include "opsbot.image" $root | quote }}
          imagePullPolicy: {{ $root.Values.image.pullPolicy }}
          securityContext:
            {{- toYaml $root.Values.securityContext | nindent 12 }}
          env:
            {{- include "opsbot.env" (dict "root" $root "role" $role) | nindent 12 }}
          ports:
            - name: http
              containerPort: 3000
              protocol: TCP
          livenessProbe:
            {{- toYaml (default $root.Values.web.livenessProbe $cfg.livenessProbe) | nindent 12 }}
          readinessProbe:
            {{- toYaml (default $root.Values.web.readinessProbe $cfg.readinessProbe) | nindent 12 }}
          {{- if and (eq $role "web") $cfg.preStopSleepSeconds }}
          lifecycle:
            preStop:
              exec:
                command: ["sleep", "{{ $cfg.preStopSleepSeconds }}"]
          {{- end }}
          resources:
            {{- toYaml $cfg.resources | nindent 12 }}
          volumeMounts:
            # The root filesystem is read-only; Node and its libraries get a small scratch /tmp.
            - name: tmp
              mountPath: /tmp
            {{- if $root.Values.inventory.environments }}
            - name: inventory
              mountPath: /etc/opsbot/inventory/environments
              readOnly: true
            {{- end }}
      volumes:
        - name: tmp
          emptyDir:
            sizeLimit: 64Mi
        {{- if $root.Values.inventory.environments }}
        - name: inventory
          configMap:
            name: {{ include "opsbot.fullname" $root }}-inventory
        {{- end }}
      {{- with $cfg.nodeSelector }}
      nodeSelector:
        {{- toYaml . | nindent 8 }}
      {{- end }}
      {{- with $cfg.affinity }}
      affinity:
        {{- toYaml . | nindent 8 }}
      {{- end }}
      {{- with $cfg.tolerations }}
      tolerations:
        {{- toYaml . | nindent 8 }}
      {{- end }}
      {{- with $cfg.topologySpreadConstraints }}
      topologySpreadConstraints:
        {{- toYaml . | nindent 8 }}
      {{- end }}
{{- end }}
{{- end }}
