// Package kubernetes validates the manifests beside it without a cluster:
// every YAML document is decoded strictly (unknown or misspelt fields are
// errors) into the Go types of the Kubernetes API, KEDA and the Prometheus
// Operator; every kustomization is rendered with kustomize's own library,
// and the rendered objects are checked against each other and against the
// service (probe paths, ports, instance ids, shutdown timing, lag metric,
// autoscaler bounds).
//
// It is its own Go module so that these heavy dependencies stay out of the
// service's build: `make test-deploy`, or `go test ./...` in this folder.
package kubernetes

import (
	"bytes"
	"fmt"
	"os"
	"path/filepath"
	"regexp"
	"strconv"
	"strings"
	"testing"
	"time"

	kedav1alpha1 "github.com/kedacore/keda/v2/apis/keda/v1alpha1"
	monitoringv1 "github.com/prometheus-operator/prometheus-operator/pkg/apis/monitoring/v1"
	appsv1 "k8s.io/api/apps/v1"
	autoscalingv2 "k8s.io/api/autoscaling/v2"
	batchv1 "k8s.io/api/batch/v1"
	corev1 "k8s.io/api/core/v1"
	policyv1 "k8s.io/api/policy/v1"
	"k8s.io/apimachinery/pkg/api/resource"
	metav1 "k8s.io/apimachinery/pkg/apis/meta/v1"
	"k8s.io/apimachinery/pkg/labels"
	"sigs.k8s.io/kustomize/api/krusty"
	kusttypes "sigs.k8s.io/kustomize/api/types"
	"sigs.k8s.io/kustomize/kyaml/filesys"
	"sigs.k8s.io/yaml"
)

// The kinds the manifests may use, each with its Go type.
var kinds = map[string]func() any{
	"v1/ConfigMap":                  func() any { return &corev1.ConfigMap{} },
	"v1/Namespace":                  func() any { return &corev1.Namespace{} },
	"v1/PersistentVolumeClaim":      func() any { return &corev1.PersistentVolumeClaim{} },
	"v1/Service":                    func() any { return &corev1.Service{} },
	"apps/v1/StatefulSet":           func() any { return &appsv1.StatefulSet{} },
	"batch/v1/Job":                  func() any { return &batchv1.Job{} },
	"policy/v1/PodDisruptionBudget": func() any { return &policyv1.PodDisruptionBudget{} },
	"autoscaling/v2/HorizontalPodAutoscaler": func() any {
		return &autoscalingv2.HorizontalPodAutoscaler{}
	},
	"keda.sh/v1alpha1/ScaledObject":           func() any { return &kedav1alpha1.ScaledObject{} },
	"monitoring.coreos.com/v1/ServiceMonitor": func() any { return &monitoringv1.ServiceMonitor{} },
}

// measuredPeakRSS is the highest VmHWM measured for `linkstream run` with
// the default cross-encoder and the gensim KB (README.md beside this file):
// the memory request must cover it.
var measuredPeakRSS = resource.MustParse("442692Ki")

// traceFlush is how long `linkstream run` waits for the trace exporter
// after the service stopped (cmd/linkstream/run.go).
const traceFlush = 5 * time.Second

// decodeStrict decodes one YAML document into the Go type of its kind;
// unknown fields, duplicate keys and malformed values are errors.
func decodeStrict(doc []byte) (any, error) {
	var tm metav1.TypeMeta
	if err := yaml.Unmarshal(doc, &tm); err != nil {
		return nil, err
	}
	newObj, ok := kinds[tm.APIVersion+"/"+tm.Kind]
	if !ok {
		return nil, fmt.Errorf("kind %s/%s has no Go type in this test: add it to kinds", tm.APIVersion, tm.Kind)
	}
	obj := newObj()
	if err := yaml.UnmarshalStrict(doc, obj); err != nil {
		return nil, fmt.Errorf("%s: %w", tm.Kind, err)
	}
	return obj, nil
}

func splitDocs(b []byte) [][]byte {
	var docs [][]byte
	for _, d := range regexp.MustCompile(`(?m)^---\s*$`).Split(string(b), -1) {
		if strings.TrimSpace(stripComments(d)) != "" {
			docs = append(docs, []byte(d))
		}
	}
	return docs
}

func stripComments(s string) string {
	var b strings.Builder
	for _, l := range strings.Split(s, "\n") {
		if !strings.HasPrefix(strings.TrimSpace(l), "#") {
			b.WriteString(l + "\n")
		}
	}
	return b.String()
}

// TestEveryFileDecodesStrictly decodes each YAML file on its own, as
// written: resources into the API types, kustomizations into kustomize's.
func TestEveryFileDecodesStrictly(t *testing.T) {
	n := 0
	err := filepath.WalkDir(".", func(path string, d os.DirEntry, err error) error {
		if err != nil || d.IsDir() || !strings.HasSuffix(path, ".yaml") {
			return err
		}
		b, err := os.ReadFile(path)
		if err != nil {
			return err
		}
		if d.Name() == "kustomization.yaml" {
			var k kusttypes.Kustomization
			if err := yaml.UnmarshalStrict(b, &k); err != nil {
				t.Errorf("%s: %v", path, err)
			}
			n++
			return nil
		}
		for i, doc := range splitDocs(b) {
			if _, err := decodeStrict(doc); err != nil {
				t.Errorf("%s, document %d: %v", path, i+1, err)
			}
			n++
		}
		return nil
	})
	if err != nil {
		t.Fatal(err)
	}
	if n < 15 {
		t.Errorf("decoded %d documents: the walk missed the manifests", n)
	}
}

// TestStrictDecodingRejectsTypos proves the decoder above is strict: a
// misspelt field must fail, not vanish silently as it would with a plain
// yaml.Unmarshal (and as kubectl apply without server-side validation does).
func TestStrictDecodingRejectsTypos(t *testing.T) {
	for name, doc := range map[string]string{
		"StatefulSet":  "apiVersion: apps/v1\nkind: StatefulSet\nmetadata: {name: x}\nspec:\n  template:\n    spec:\n      terminationGracePeriod: 40\n",
		"ScaledObject": "apiVersion: keda.sh/v1alpha1\nkind: ScaledObject\nmetadata: {name: x}\nspec:\n  scaleTargetRef: {name: x}\n  maxReplicas: 3\n",
		"quantity":     "apiVersion: v1\nkind: PersistentVolumeClaim\nmetadata: {name: x}\nspec:\n  resources: {requests: {storage: 20 gigs}}\n",
		"HPA":          "apiVersion: autoscaling/v2\nkind: HorizontalPodAutoscaler\nmetadata: {name: x}\nspec:\n  maxReplicas: 3\n  metric: []\n",
	} {
		if _, err := decodeStrict([]byte(doc)); err == nil {
			t.Errorf("%s with a bad field decoded without error", name)
		}
	}
}

// rendered is one kustomization's output, by kind.
type rendered struct {
	sts   []*appsv1.StatefulSet
	svc   []*corev1.Service
	pdb   []*policyv1.PodDisruptionBudget
	cm    map[string]*corev1.ConfigMap
	pvc   map[string]*corev1.PersistentVolumeClaim
	jobs  []*batchv1.Job
	so    []*kedav1alpha1.ScaledObject
	hpa   []*autoscalingv2.HorizontalPodAutoscaler
	sm    []*monitoringv1.ServiceMonitor
	ns    []*corev1.Namespace
	names []string
}

func render(t *testing.T, dir string) *rendered {
	t.Helper()
	k := krusty.MakeKustomizer(krusty.MakeDefaultOptions())
	rm, err := k.Run(filesys.MakeFsOnDisk(), dir)
	if err != nil {
		t.Fatalf("kustomize build %s: %v", dir, err)
	}
	out := &rendered{cm: map[string]*corev1.ConfigMap{}, pvc: map[string]*corev1.PersistentVolumeClaim{}}
	for _, r := range rm.Resources() {
		y, err := r.AsYAML()
		if err != nil {
			t.Fatal(err)
		}
		obj, err := decodeStrict(y)
		if err != nil {
			t.Fatalf("%s: rendered %s: %v", dir, r.CurId(), err)
		}
		out.names = append(out.names, r.CurId().String())
		switch o := obj.(type) {
		case *appsv1.StatefulSet:
			out.sts = append(out.sts, o)
		case *corev1.Service:
			out.svc = append(out.svc, o)
		case *policyv1.PodDisruptionBudget:
			out.pdb = append(out.pdb, o)
		case *corev1.ConfigMap:
			out.cm[o.Name] = o
		case *corev1.PersistentVolumeClaim:
			out.pvc[o.Name] = o
		case *batchv1.Job:
			out.jobs = append(out.jobs, o)
		case *kedav1alpha1.ScaledObject:
			out.so = append(out.so, o)
		case *autoscalingv2.HorizontalPodAutoscaler:
			out.hpa = append(out.hpa, o)
		case *monitoringv1.ServiceMonitor:
			out.sm = append(out.sm, o)
		case *corev1.Namespace:
			out.ns = append(out.ns, o)
		}
	}
	return out
}

// lagMetric is the series the HPA reads (through prometheus-adapter, rule
// in README.md); the test checks that the service still exports it.
const lagMetric = "linkstream_consumer_group_lag"

func TestLagMetricIsExported(t *testing.T) {
	src, err := os.ReadFile(filepath.Join("..", "..", "consumer", "metrics.go"))
	if err != nil {
		t.Skipf("consumer/metrics.go not found beside this module (%v)", err)
	}
	if !bytes.Contains(src, []byte(`"`+lagMetric+`"`)) {
		t.Errorf("consumer/metrics.go no longer names %s: the HPA and the README's adapter rule read it", lagMetric)
	}
}

func TestBase(t *testing.T) {
	r := render(t, "base")
	checkService(t, r)
	if len(r.so)+len(r.hpa) != 0 {
		t.Errorf("the base has an autoscaler; overlays choose KEDA or the HPA")
	}
}

func TestOverlayExample(t *testing.T) {
	r := render(t, filepath.Join("overlays", "example"))
	checkService(t, r)
	checkOverlay(t, r)
	if len(r.so) != 1 || len(r.hpa) != 0 {
		t.Fatalf("want one KEDA ScaledObject and no HPA, got %d and %d", len(r.so), len(r.hpa))
	}
	sts, env := r.sts[0], configEnv(t, r)
	so := r.so[0]
	if so.Spec.ScaleTargetRef == nil || so.Spec.ScaleTargetRef.Kind != "StatefulSet" || so.Spec.ScaleTargetRef.Name != sts.Name {
		t.Errorf("ScaledObject targets %+v, want StatefulSet %s", so.Spec.ScaleTargetRef, sts.Name)
	}
	if so.Spec.MaxReplicaCount == nil || *so.Spec.MaxReplicaCount != partitions(t, sts) {
		t.Errorf("maxReplicaCount %s, want the input's %d partitions", deref(so.Spec.MaxReplicaCount), partitions(t, sts))
	}
	if so.Spec.MinReplicaCount == nil || *so.Spec.MinReplicaCount < 1 {
		t.Errorf("minReplicaCount %s: at least one instance keeps the lag metric and the latency low", deref(so.Spec.MinReplicaCount))
	}
	if len(so.Spec.Triggers) != 1 || so.Spec.Triggers[0].Type != "kafka" {
		t.Fatalf("triggers %+v: want one kafka trigger", so.Spec.Triggers)
	}
	md := so.Spec.Triggers[0].Metadata
	for key, want := range map[string]string{
		"bootstrapServers":   env["LINKSTREAM_BROKERS"],
		"consumerGroup":      env["LINKSTREAM_GROUP"],
		"topic":              env["LINKSTREAM_INPUT_TOPIC"],
		"allowIdleConsumers": "false",
	} {
		if md[key] != want {
			t.Errorf("kafka trigger %s = %q, want %q (the service's setting)", key, md[key], want)
		}
	}
	if v, err := strconv.Atoi(md["lagThreshold"]); err != nil || v <= 0 {
		t.Errorf("lagThreshold %q: want a positive integer", md["lagThreshold"])
	}
}

func TestOverlayExampleHPA(t *testing.T) {
	r := render(t, filepath.Join("overlays", "example-hpa"))
	checkService(t, r)
	checkOverlay(t, r)
	if len(r.hpa) != 1 || len(r.so) != 0 {
		t.Fatalf("want one HPA and no ScaledObject, got %d and %d", len(r.hpa), len(r.so))
	}
	sts, env := r.sts[0], configEnv(t, r)
	h := r.hpa[0]
	if h.Spec.ScaleTargetRef.Kind != "StatefulSet" || h.Spec.ScaleTargetRef.Name != sts.Name {
		t.Errorf("HPA targets %+v, want StatefulSet %s", h.Spec.ScaleTargetRef, sts.Name)
	}
	if h.Spec.MinReplicas == nil || *h.Spec.MinReplicas < 1 {
		t.Errorf("HPA minReplicas %s: the exported lag needs a running instance to be seen", deref(h.Spec.MinReplicas))
	}
	if h.Spec.MaxReplicas != partitions(t, sts) {
		t.Errorf("maxReplicas %d, want the input's %d partitions", h.Spec.MaxReplicas, partitions(t, sts))
	}
	if len(h.Spec.Metrics) != 1 || h.Spec.Metrics[0].External == nil {
		t.Fatalf("metrics %+v: want one external metric", h.Spec.Metrics)
	}
	m := h.Spec.Metrics[0].External
	if m.Metric.Name != lagMetric {
		t.Errorf("HPA metric %q, want %s", m.Metric.Name, lagMetric)
	}
	if m.Metric.Selector == nil || m.Metric.Selector.MatchLabels["topic"] != env["LINKSTREAM_INPUT_TOPIC"] {
		t.Errorf("HPA metric selector %+v, want topic=%s", m.Metric.Selector, env["LINKSTREAM_INPUT_TOPIC"])
	}
	if m.Target.Type != autoscalingv2.AverageValueMetricType || m.Target.AverageValue == nil || m.Target.AverageValue.Sign() <= 0 {
		t.Errorf("HPA target %+v: want a positive AverageValue (documents waiting per replica)", m.Target)
	}
}

// checkService checks the StatefulSet against the service's flags and the
// objects that point at it.
func checkService(t *testing.T, r *rendered) {
	t.Helper()
	if len(r.sts) != 1 || len(r.svc) != 1 || len(r.pdb) != 1 {
		t.Fatalf("want one StatefulSet, Service and PodDisruptionBudget, got %v", r.names)
	}
	sts, svc, pdb := r.sts[0], r.svc[0], r.pdb[0]
	pod := sts.Spec.Template
	podLabels := labels.Set(pod.Labels)
	env := configEnv(t, r)

	sel, err := metav1.LabelSelectorAsSelector(sts.Spec.Selector)
	if err != nil || sel.Empty() || !sel.Matches(podLabels) {
		t.Errorf("StatefulSet selector %v does not match its pods' labels %v", sts.Spec.Selector, pod.Labels)
	}
	if sts.Spec.ServiceName != svc.Name || svc.Spec.ClusterIP != corev1.ClusterIPNone {
		t.Errorf("serviceName %q, Service %q with clusterIP %q: want the headless Service", sts.Spec.ServiceName, svc.Name, svc.Spec.ClusterIP)
	}
	if len(svc.Spec.Selector) == 0 || !labels.SelectorFromSet(svc.Spec.Selector).Matches(podLabels) {
		t.Errorf("Service selector %v does not match the pods %v", svc.Spec.Selector, pod.Labels)
	}
	pdbSel, err := metav1.LabelSelectorAsSelector(pdb.Spec.Selector)
	if err != nil || pdbSel.Empty() || !pdbSel.Matches(podLabels) {
		t.Errorf("PodDisruptionBudget selector %v does not match the pods %v", pdb.Spec.Selector, pod.Labels)
	}
	if pdb.Spec.MaxUnavailable == nil || pdb.Spec.MaxUnavailable.IntValue() != 1 {
		t.Errorf("PodDisruptionBudget maxUnavailable %v, want 1", pdb.Spec.MaxUnavailable)
	}
	for _, j := range r.jobs {
		if pdbSel.Matches(labels.Set(j.Spec.Template.Labels)) {
			t.Errorf("Job %s's pods carry the linker's labels: the PDB and Service would count them", j.Name)
		}
	}
	if sts.Spec.PodManagementPolicy != appsv1.ParallelPodManagement {
		t.Errorf("podManagementPolicy %q: want Parallel so that scale-out starts pods at once", sts.Spec.PodManagementPolicy)
	}

	if len(pod.Spec.Containers) != 1 {
		t.Fatalf("want one container, got %d", len(pod.Spec.Containers))
	}
	c := pod.Spec.Containers[0]
	if len(c.Args) == 0 || c.Args[0] != "run" {
		t.Errorf("container args %v: want the run command", c.Args)
	}
	if !strings.HasPrefix(c.Image, "localhost/linkstream:") && !strings.Contains(c.Image, "/linkstream") {
		t.Errorf("image %q is not the linkstream image", c.Image)
	}

	// Stable instance ids: the pod name carries the StatefulSet ordinal.
	var instanceFromPodName bool
	httpAddr := ""
	for _, e := range c.Env {
		switch e.Name {
		case "LINKSTREAM_INSTANCE_ID":
			instanceFromPodName = e.ValueFrom != nil && e.ValueFrom.FieldRef != nil && e.ValueFrom.FieldRef.FieldPath == "metadata.name"
		case "LINKSTREAM_HTTP_ADDR":
			httpAddr = e.Value
		}
	}
	if !instanceFromPodName {
		t.Errorf("LINKSTREAM_INSTANCE_ID must come from metadata.name (the ordinal pod name): transactional ids must be stable and unique")
	}
	if _, ok := env["LINKSTREAM_INSTANCE_ID"]; ok {
		t.Errorf("the ConfigMap sets LINKSTREAM_INSTANCE_ID: every pod would share one transactional id")
	}

	// Probes and scraping on the port the service listens on.
	port := containerPort(t, c, "http")
	if httpAddr != fmt.Sprintf(":%d", port) {
		t.Errorf("LINKSTREAM_HTTP_ADDR %q, want \":%d\" (all interfaces, the probed port)", httpAddr, port)
	}
	for name, p := range map[string]*corev1.Probe{"startup": c.StartupProbe, "liveness": c.LivenessProbe, "readiness": c.ReadinessProbe} {
		want := "/healthz"
		if name == "readiness" {
			want = "/readyz"
		}
		if p == nil || p.HTTPGet == nil || p.HTTPGet.Path != want {
			t.Errorf("%s probe %+v: want GET %s", name, p, want)
			continue
		}
		if got := p.HTTPGet.Port; got.String() != "http" && got.IntValue() != int(port) {
			t.Errorf("%s probe port %v, want the http port %d", name, got, port)
		}
	}
	if a := pod.Annotations; a["prometheus.io/scrape"] != "true" || a["prometheus.io/port"] != strconv.Itoa(int(port)) || a["prometheus.io/path"] != "/metrics" {
		t.Errorf("scrape annotations %v: want port %d, path /metrics", a, port)
	}
	if len(svc.Spec.Ports) != 1 || svc.Spec.Ports[0].Port != port || svc.Spec.Ports[0].Name != "http" {
		t.Errorf("Service ports %+v: want http on %d", svc.Spec.Ports, port)
	}
	for _, sm := range r.sm {
		smSel, err := metav1.LabelSelectorAsSelector(&sm.Spec.Selector)
		if err != nil || smSel.Empty() || !smSel.Matches(labels.Set(svc.Labels)) {
			t.Errorf("ServiceMonitor selector %v does not match the Service's labels %v", sm.Spec.Selector, svc.Labels)
		}
		if len(sm.Spec.Endpoints) != 1 || sm.Spec.Endpoints[0].Port != "http" || sm.Spec.Endpoints[0].Path != "/metrics" {
			t.Errorf("ServiceMonitor endpoints %+v: want port http, /metrics", sm.Spec.Endpoints)
		}
	}

	// Graceful termination: longer than the service's own shutdown bound.
	shutdown, err := time.ParseDuration(env["LINKSTREAM_SHUTDOWN_TIMEOUT"])
	if err != nil {
		t.Errorf("LINKSTREAM_SHUTDOWN_TIMEOUT %q: %v", env["LINKSTREAM_SHUTDOWN_TIMEOUT"], err)
	}
	grace := pod.Spec.TerminationGracePeriodSeconds
	if grace == nil || time.Duration(*grace)*time.Second <= shutdown+traceFlush {
		t.Errorf("terminationGracePeriodSeconds %s must exceed the shutdown timeout %v plus the %v trace flush", deref(grace), shutdown, traceFlush)
	}

	// Resources from the measured RSS; ONNX Runtime threads = CPU limit.
	req, lim := c.Resources.Requests, c.Resources.Limits
	if m := req.Memory(); m.Cmp(measuredPeakRSS) < 0 {
		t.Errorf("memory request %v is below the measured peak RSS %v", m, &measuredPeakRSS)
	}
	if lim.Memory().IsZero() || lim.Memory().Cmp(*req.Memory()) < 0 {
		t.Errorf("memory limit %v must be set and at least the request %v", lim.Memory(), req.Memory())
	}
	if threads, err := strconv.Atoi(env["LINKSTREAM_THREADS"]); err != nil || int64(threads) != lim.Cpu().Value() {
		t.Errorf("LINKSTREAM_THREADS %q should equal the CPU limit %v: more threads than cores thrash", env["LINKSTREAM_THREADS"], lim.Cpu())
	}

	// The KB on a read-only volume at /kb, where LINKSTREAM_KB points.
	var kbMount *corev1.VolumeMount
	for i := range c.VolumeMounts {
		if c.VolumeMounts[i].Name == "kb" {
			kbMount = &c.VolumeMounts[i]
		}
	}
	if kbMount == nil || kbMount.MountPath != "/kb" || !kbMount.ReadOnly {
		t.Errorf("kb volume mount %+v: want /kb, read-only", kbMount)
	}
	if kb := env["LINKSTREAM_KB"]; kb != "/kb" && !strings.HasPrefix(kb, "/kb/") {
		t.Errorf("LINKSTREAM_KB %q is not on the kb volume", kb)
	}
	var kbVol *corev1.Volume
	for i := range pod.Spec.Volumes {
		if pod.Spec.Volumes[i].Name == "kb" {
			kbVol = &pod.Spec.Volumes[i]
		}
	}
	if kbVol == nil || kbVol.PersistentVolumeClaim == nil || !kbVol.PersistentVolumeClaim.ReadOnly {
		t.Fatalf("kb volume %+v: want a read-only persistentVolumeClaim", kbVol)
	}
	if sc := c.SecurityContext; sc == nil || sc.ReadOnlyRootFilesystem == nil || !*sc.ReadOnlyRootFilesystem {
		t.Errorf("container securityContext %+v: want a read-only root file system", sc)
	}
	if psc := pod.Spec.SecurityContext; psc == nil || psc.RunAsNonRoot == nil || !*psc.RunAsNonRoot || psc.RunAsUser == nil || *psc.RunAsUser != 65532 {
		t.Errorf("pod securityContext %+v: want runAsNonRoot as 65532, the image's user", psc)
	}
}

// checkOverlay checks what an installable overlay adds: a namespace, the
// KB claim, and the Job that fills it.
func checkOverlay(t *testing.T, r *rendered) {
	t.Helper()
	if len(r.ns) != 1 {
		t.Fatalf("want one Namespace, got %d", len(r.ns))
	}
	ns := r.ns[0].Name
	for _, o := range []metav1.Object{r.sts[0], r.svc[0], r.pdb[0]} {
		if o.GetNamespace() != ns {
			t.Errorf("%s is in namespace %q, want %q", o.GetName(), o.GetNamespace(), ns)
		}
	}
	claim := ""
	for _, v := range r.sts[0].Spec.Template.Spec.Volumes {
		if v.Name == "kb" && v.PersistentVolumeClaim != nil {
			claim = v.PersistentVolumeClaim.ClaimName
		}
	}
	pvc, ok := r.pvc[claim]
	if !ok {
		t.Fatalf("the StatefulSet mounts claim %q, which the overlay does not define", claim)
	}
	rom := false
	for _, m := range pvc.Spec.AccessModes {
		rom = rom || m == corev1.ReadOnlyMany
	}
	if !rom {
		t.Errorf("KB claim access modes %v: want ReadOnlyMany, so that every replica on any node mounts it", pvc.Spec.AccessModes)
	}
	if len(r.jobs) != 1 {
		t.Fatalf("want the KB build Job, got %d jobs", len(r.jobs))
	}
	job := r.jobs[0].Spec.Template.Spec
	args := strings.Join(job.Containers[0].Args, " ")
	kb := configEnv(t, r)["LINKSTREAM_KB"]
	if !strings.HasPrefix(args, "kb build ") || !strings.Contains(args, "--out "+kb) {
		t.Errorf("Job args %q: want `kb build ... --out %s` (LINKSTREAM_KB)", args, kb)
	}
	if job.Containers[0].Image != r.sts[0].Spec.Template.Spec.Containers[0].Image {
		t.Errorf("Job image %q differs from the service's %q: the KB format must match the binary", job.Containers[0].Image, r.sts[0].Spec.Template.Spec.Containers[0].Image)
	}
}

// configEnv is the ConfigMap the container's envFrom names (kustomize
// renames generated maps with a hash suffix and rewrites the reference).
func configEnv(t *testing.T, r *rendered) map[string]string {
	t.Helper()
	c := r.sts[0].Spec.Template.Spec.Containers[0]
	if len(c.EnvFrom) != 1 || c.EnvFrom[0].ConfigMapRef == nil {
		t.Fatalf("envFrom %+v: want one ConfigMap", c.EnvFrom)
	}
	cm, ok := r.cm[c.EnvFrom[0].ConfigMapRef.Name]
	if !ok {
		t.Fatalf("envFrom names ConfigMap %q, which is not rendered", c.EnvFrom[0].ConfigMapRef.Name)
	}
	for _, k := range []string{"LINKSTREAM_BROKERS", "LINKSTREAM_INPUT_TOPIC", "LINKSTREAM_OUTPUT_TOPIC", "LINKSTREAM_GROUP", "LINKSTREAM_KB"} {
		if cm.Data[k] == "" {
			t.Errorf("ConfigMap %s has no %s", cm.Name, k)
		}
	}
	return cm.Data
}

func containerPort(t *testing.T, c corev1.Container, name string) int32 {
	t.Helper()
	for _, p := range c.Ports {
		if p.Name == name {
			return p.ContainerPort
		}
	}
	t.Fatalf("container has no port named %s", name)
	return 0
}

// partitions is the input topic's partition count that the overlay states
// on the StatefulSet: the autoscalers' upper bound.
func partitions(t *testing.T, sts *appsv1.StatefulSet) int32 {
	t.Helper()
	n, err := strconv.Atoi(sts.Annotations["linkstream.io/input-partitions"])
	if err != nil || n < 1 {
		t.Fatalf("StatefulSet annotation linkstream.io/input-partitions %q: the overlay must state the input's partition count", sts.Annotations["linkstream.io/input-partitions"])
	}
	return int32(n)
}

func deref[T any](p *T) string {
	if p == nil {
		return "unset"
	}
	return fmt.Sprint(*p)
}
