{{/* Names and labels shared by every template. */}}

{{- define "schema-operator.name" -}}
{{- default .Chart.Name .Values.nameOverride | trunc 63 | trimSuffix "-" -}}
{{- end -}}

{{/* release-chart, or the release name alone when it already contains the chart's name. */}}
{{- define "schema-operator.fullname" -}}
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

{{- define "schema-operator.labels" -}}
helm.sh/chart: {{ printf "%s-%s" .Chart.Name .Chart.Version | replace "+" "_" | trunc 63 | trimSuffix "-" }}
app.kubernetes.io/name: {{ include "schema-operator.name" . }}
app.kubernetes.io/instance: {{ .Release.Name }}
app.kubernetes.io/version: {{ .Chart.AppVersion | quote }}
app.kubernetes.io/managed-by: {{ .Release.Service }}
{{- end -}}

{{/* The operator's pods. */}}
{{- define "schema-operator.selectorLabels" -}}
app.kubernetes.io/name: {{ include "schema-operator.name" . }}
app.kubernetes.io/instance: {{ .Release.Name }}
app.kubernetes.io/component: controller
{{- end -}}

{{- define "schema-operator.serviceAccountName" -}}
{{- if .Values.serviceAccount.create -}}
{{- default (include "schema-operator.fullname" .) .Values.serviceAccount.name -}}
{{- else -}}
{{- required "serviceAccount.name is required when serviceAccount.create is false" .Values.serviceAccount.name -}}
{{- end -}}
{{- end -}}

{{- define "schema-operator.leaseName" -}}
{{- default (include "schema-operator.fullname" .) .Values.leaderElection.leaseName -}}
{{- end -}}

{{/* The namespaces watched with rbac.scope=namespace, comma-separated; "" with scope cluster. */}}
{{- define "schema-operator.watchNamespaces" -}}
{{- if eq .Values.rbac.scope "namespace" -}}
{{- if .Values.rbac.namespaces -}}
{{- join "," .Values.rbac.namespaces -}}
{{- else -}}
{{- .Release.Namespace -}}
{{- end -}}
{{- else if ne .Values.rbac.scope "cluster" -}}
{{- fail (printf "rbac.scope must be cluster or namespace, not %q" .Values.rbac.scope) -}}
{{- end -}}
{{- end -}}

{{/*
The calls the operator makes on the watched namespaces, and nothing else; the same rules as
deploy/rbac/cluster-role.yaml, where each names the code that makes the calls.
*/}}
{{- define "schema-operator.rules" -}}
# list + watch: the informer of DatabaseSchemas (src/controller/manager.cpp, watchResources ->
# src/kube/watcher.cpp, runWatcher).
- apiGroups: ["dbschema.io"]
  resources: ["databaseschemas"]
  verbs: ["list", "watch"]
# update: the status subresource after every check (src/controller/manager.cpp, writeStatus: PUT).
- apiGroups: ["dbschema.io"]
  resources: ["databaseschemas/status"]
  verbs: ["update"]
# list + watch: the informer of Secrets holding connection strings and CA bundles
# (src/controller/manager.cpp, watchResources); list narrowed to one name: a Secret the informer
# saw before any DatabaseSchema named it (src/controller/secret_cache.cpp).
- apiGroups: [""]
  resources: ["secrets"]
  verbs: ["list", "watch"]
# create + patch: core/v1 Events on the DatabaseSchemas (src/kube/events.cpp, EventRecorder: POST a
# new Event, PATCH the count of a repeated one).
- apiGroups: [""]
  resources: ["events"]
  verbs: ["create", "patch"]
# create + update: the ConfigMap holding a DatabaseSchema's whole plan, owned by it
# (src/controller/manager.cpp, publishPlan: PUT the one status.plan.configMapRef names, POST a
# new one with generateName when status names none or it is gone).
- apiGroups: [""]
  resources: ["configmaps"]
  verbs: ["create", "update"]
{{- end -}}
