{{/* Names, labels and the pod pieces every workload shares. */}}

{{- define "moea.name" -}}
{{- default .Chart.Name .Values.nameOverride | trunc 63 | trimSuffix "-" -}}
{{- end -}}

{{- define "moea.fullname" -}}
{{- if .Values.fullnameOverride -}}
{{- .Values.fullnameOverride | trunc 63 | trimSuffix "-" -}}
{{- else -}}
{{- $name := default .Chart.Name .Values.nameOverride -}}
{{- if contains $name .Release.Name -}}
{{- .Release.Name | trunc 63 | trimSuffix "-" -}}
{{- else -}}
{{- printf "%s-%s" .Release.Name $name | trunc 63 | trimSuffix "-" -}}
{{- end -}}
{{- end -}}
{{- end -}}

{{/* A component's resource name: "<fullname>-<component>", service keys with "-" for "_". */}}
{{- define "moea.componentName" -}}
{{- printf "%s-%s" (include "moea.fullname" .root) (.component | replace "_" "-") | trunc 63 | trimSuffix "-" -}}
{{- end -}}

{{- define "moea.chart" -}}
{{- printf "%s-%s" .Chart.Name .Chart.Version | replace "+" "_" | trunc 63 | trimSuffix "-" -}}
{{- end -}}

{{/* Selector labels of one component: stable across upgrades (never add the version here). */}}
{{- define "moea.selectorLabels" -}}
app.kubernetes.io/name: {{ include "moea.name" .root }}
app.kubernetes.io/instance: {{ .root.Release.Name }}
app.kubernetes.io/component: {{ .component | replace "_" "-" }}
{{- end -}}

{{- define "moea.labels" -}}
helm.sh/chart: {{ include "moea.chart" .root }}
{{ include "moea.selectorLabels" . }}
app.kubernetes.io/part-of: moea-cloud
app.kubernetes.io/version: {{ .root.Chart.AppVersion | quote }}
app.kubernetes.io/managed-by: {{ .root.Release.Service }}
{{- end -}}

{{- define "moea.image" -}}
{{- $image := .Values.image -}}
{{- if $image.digest -}}
{{- printf "%s@%s" $image.repository $image.digest -}}
{{- else -}}
{{- printf "%s:%s" $image.repository (default .Chart.AppVersion $image.tag) -}}
{{- end -}}
{{- end -}}

{{/* The environment variable prefix of a service's settings: tax_exemption -> TAX_EXEMPTION_. */}}
{{- define "moea.envPrefix" -}}
{{- printf "%s_" (upper .) -}}
{{- end -}}

{{- define "moea.podSecurityContext" -}}
runAsNonRoot: true
runAsUser: {{ .Values.podSecurityContext.runAsUser }}
runAsGroup: {{ .Values.podSecurityContext.runAsGroup }}
fsGroup: {{ .Values.podSecurityContext.fsGroup }}
seccompProfile:
  type: RuntimeDefault
{{- end -}}

{{- define "moea.containerSecurityContext" -}}
runAsNonRoot: true
runAsUser: {{ .Values.podSecurityContext.runAsUser }}
runAsGroup: {{ .Values.podSecurityContext.runAsGroup }}
allowPrivilegeEscalation: false
privileged: false
readOnlyRootFilesystem: true
capabilities:
  drop: ["ALL"]
seccompProfile:
  type: RuntimeDefault
{{- end -}}

{{/* Settings from the ConfigMap, then the shared Secret, then a service's own Secret (the last
     source wins for a key present in several). */}}
{{- define "moea.envFrom" -}}
- configMapRef:
    name: {{ include "moea.componentName" (dict "root" .root "component" "config") }}
- secretRef:
    name: {{ .root.Values.secrets.existingSecret }}
{{- with .existingSecret }}
- secretRef:
    name: {{ . }}
{{- end }}
{{- end -}}

{{/* The writable paths of a read-only root filesystem. */}}
{{- define "moea.volumes" -}}
- name: tmp
  emptyDir:
    sizeLimit: 64Mi
- name: prometheus-multiproc
  emptyDir:
    medium: Memory
    sizeLimit: 32Mi
- name: state
  emptyDir:
    sizeLimit: 8Mi
{{- end -}}

{{- define "moea.volumeMounts" -}}
- name: tmp
  mountPath: /tmp
- name: prometheus-multiproc
  mountPath: /run/prometheus
- name: state
  mountPath: /var/lib/moea
{{- end -}}

{{- define "moea.topologySpread" -}}
{{- if .root.Values.topologySpread.enabled }}
topologySpreadConstraints:
  - maxSkew: {{ .root.Values.topologySpread.maxSkew }}
    topologyKey: topology.kubernetes.io/zone
    whenUnsatisfiable: ScheduleAnyway
    labelSelector:
      matchLabels:
        {{- include "moea.selectorLabels" . | nindent 8 }}
  - maxSkew: {{ .root.Values.topologySpread.maxSkew }}
    topologyKey: kubernetes.io/hostname
    whenUnsatisfiable: ScheduleAnyway
    labelSelector:
      matchLabels:
        {{- include "moea.selectorLabels" . | nindent 8 }}
{{- end }}
{{- end -}}

{{/* nodeSelector / tolerations / affinity of one workload's values. */}}
{{- define "moea.scheduling" -}}
{{- with .nodeSelector }}
nodeSelector:
  {{- toYaml . | nindent 2 }}
{{- end }}
{{- with .tolerations }}
tolerations:
  {{- toYaml . | nindent 2 }}
{{- end }}
{{- with .affinity }}
affinity:
  {{- toYaml . | nindent 2 }}
{{- end }}
{{- end -}}

{{/* The PodDisruptionBudget body of a component: maxUnavailable when set (an override file may
     add it beside the default minAvailable), else minAvailable. */}}
{{- define "moea.pdbSpec" -}}
{{- if hasKey .pdb "maxUnavailable" -}}
maxUnavailable: {{ .pdb.maxUnavailable }}
{{- else -}}
minAvailable: {{ .pdb.minAvailable }}
{{- end }}
selector:
  matchLabels:
    {{- include "moea.selectorLabels" . | nindent 4 }}
{{- end -}}

{{/* Egress every moea pod needs: DNS, PostgreSQL (or PgBouncer), Redis. */}}
{{- define "moea.backendEgress" -}}
- ports:
    - { port: 53, protocol: UDP }
    - { port: 53, protocol: TCP }
{{- if .Values.pgbouncer.enabled }}
- to:
    - podSelector:
        matchLabels:
          {{- include "moea.selectorLabels" (dict "root" . "component" "pgbouncer") | nindent 10 }}
  ports:
    - { port: {{ .Values.pgbouncer.port }}, protocol: TCP }
{{- end }}
- to:
    {{- range .Values.database.cidrs }}
    - ipBlock: { cidr: {{ . }} }
    {{- end }}
  ports:
    - { port: {{ .Values.database.port }}, protocol: TCP }
- to:
    {{- range .Values.redis.cidrs }}
    - ipBlock: { cidr: {{ . }} }
    {{- end }}
  ports:
    - { port: {{ .Values.redis.port }}, protocol: TCP }
{{- end -}}

{{/* Non-secret settings shared by every pod: the ConfigMap's data, and the migration Jobs'
     inline env (hooks run before the ConfigMap exists on a first install). */}}
{{- define "moea.configData" -}}
MOEA_ENVIRONMENT: {{ .Values.config.environment | quote }}
MOEA_JWKS_URL: {{ .Values.config.jwksUrl | quote }}
MOEA_JWT_ISSUER: {{ .Values.config.jwtIssuer | quote }}
MOEA_JWT_AUDIENCE: {{ .Values.config.jwtAudience | quote }}
MOEA_TRUSTED_PROXIES: {{ .Values.config.trustedProxies | toJson | quote }}
MOEA_CORS_ORIGINS: {{ .Values.config.corsOrigins | toJson | quote }}
MOEA_LOG_LEVEL: {{ .Values.config.logLevel | quote }}
MOEA_LOG_JSON: "true"
PROMETHEUS_MULTIPROC_DIR: "/run/prometheus"
{{- range $name, $value := .Values.config.extraEnv }}
{{ $name }}: {{ $value | toString | quote }}
{{- end }}
{{- end -}}

{{/* Restarts the pods when the shared settings change. */}}
{{- define "moea.checksumConfig" -}}
{{- include "moea.configData" . | sha256sum -}}
{{- end -}}

{{/* The shared open-data claim's name (an existing claim, or the chart's own). */}}
{{- define "moea.openDataClaim" -}}
{{- .Values.openData.persistence.existingClaim | default (include "moea.componentName" (dict "root" . "component" "open-data")) -}}
{{- end -}}

{{/* The open-data volume of the ip_search and worker pods, when persistence is on. */}}
{{- define "moea.openDataVolume" -}}
{{- if .Values.openData.persistence.enabled }}
- name: open-data
  persistentVolumeClaim:
    claimName: {{ include "moea.openDataClaim" . }}
{{- end }}
{{- end -}}

{{- define "moea.openDataVolumeMount" -}}
{{- if .Values.openData.persistence.enabled }}
- name: open-data
  mountPath: {{ .Values.openData.mountPath }}
{{- end }}
{{- end -}}

{{/* ip_search reads IP_SEARCH_OPEN_DATA_DIR; the worker runs ip_search's jobs with it too. */}}
{{- define "moea.openDataEnv" -}}
{{- if .Values.openData.persistence.enabled }}
- name: IP_SEARCH_OPEN_DATA_DIR
  value: {{ .Values.openData.mountPath | quote }}
{{- end }}
{{- end -}}
