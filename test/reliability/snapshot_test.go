package reliability

import (
	"bufio"
	"fmt"
	"net/http"
	"slices"
	"strconv"
	"strings"

	"github.com/aws/aws-sdk-go-v2/aws"
	"github.com/aws/aws-sdk-go-v2/service/ecs"
	"github.com/aws/aws-sdk-go-v2/service/ecs/types"
)

// storeWrites reads berth_boltstore_group_size_batches_sum from the
// server's /metrics: the number of write batches (batches with at least
// one put or delete) the store has run through a bbolt write transaction.
// An unchanged value proves a request did not even try to write;
// read-only checks (Update closures that write nothing) do not count.
func storeWrites(client *http.Client, endpoint string) (float64, error) {
	req, err := http.NewRequest(http.MethodGet, endpoint+"/metrics", nil)
	if err != nil {
		return 0, err
	}
	req.Header.Set("Accept-Encoding", "identity") // no gzip: this runs after every case
	resp, err := client.Do(req)
	if err != nil {
		return 0, err
	}
	defer resp.Body.Close()
	if resp.StatusCode != http.StatusOK {
		return 0, fmt.Errorf("GET /metrics: status %d", resp.StatusCode)
	}
	var sum float64
	found := false
	sc := bufio.NewScanner(resp.Body)
	sc.Buffer(make([]byte, 64<<10), 1<<20)
	for sc.Scan() {
		line := sc.Text()
		if !strings.HasPrefix(line, "berth_boltstore_group_size_batches_sum ") {
			continue
		}
		v, err := strconv.ParseFloat(line[strings.LastIndexByte(line, ' ')+1:], 64)
		if err != nil {
			return 0, fmt.Errorf("metrics line %q: %v", line, err)
		}
		sum += v
		found = true
	}
	if !found {
		return 0, fmt.Errorf("no berth_boltstore_group_size_batches_sum in /metrics")
	}
	return sum, sc.Err()
}

// apiSnapshot renders what the API shows of every cluster, task
// definition, task, container instance and capacity provider, with
// versions, statuses, counters, remaining resources and tags, as text: two
// equal snapshots mean no visible change.
func apiSnapshot(c *ecs.Client) (string, error) {
	ctx, cancel := callCtx()
	defer cancel()
	var b strings.Builder
	clusters, err := c.ListClusters(ctx, &ecs.ListClustersInput{})
	if err != nil {
		return "", fmt.Errorf("ListClusters: %w", err)
	}
	dc, err := c.DescribeClusters(ctx, &ecs.DescribeClustersInput{Clusters: clusters.ClusterArns,
		Include: []types.ClusterField{types.ClusterFieldStatistics, types.ClusterFieldTags, types.ClusterFieldSettings}})
	if err != nil {
		return "", fmt.Errorf("DescribeClusters: %w", err)
	}
	for _, cl := range dc.Clusters {
		fmt.Fprintf(&b, "cluster %s %s instances=%d running=%d pending=%d tags=%v settings=%v providers=%v\n",
			aws.ToString(cl.ClusterArn), aws.ToString(cl.Status), cl.RegisteredContainerInstancesCount,
			cl.RunningTasksCount, cl.PendingTasksCount, tagText(cl.Tags), len(cl.Settings), cl.CapacityProviders)
		if err := snapshotCluster(c, &b, aws.ToString(cl.ClusterArn)); err != nil {
			return "", err
		}
	}
	for _, status := range []types.TaskDefinitionStatus{types.TaskDefinitionStatusActive, types.TaskDefinitionStatusInactive} {
		defs, err := c.ListTaskDefinitions(ctx, &ecs.ListTaskDefinitionsInput{Status: status})
		if err != nil {
			return "", fmt.Errorf("ListTaskDefinitions: %w", err)
		}
		for _, arn := range defs.TaskDefinitionArns {
			td, err := c.DescribeTaskDefinition(ctx, &ecs.DescribeTaskDefinitionInput{TaskDefinition: aws.String(arn),
				Include: []types.TaskDefinitionField{types.TaskDefinitionFieldTags}})
			if err != nil {
				return "", fmt.Errorf("DescribeTaskDefinition: %w", err)
			}
			fmt.Fprintf(&b, "taskdef %s %s containers=%d tags=%v\n", arn, td.TaskDefinition.Status, len(td.TaskDefinition.ContainerDefinitions), tagText(td.Tags))
		}
	}
	fams, err := c.ListTaskDefinitionFamilies(ctx, &ecs.ListTaskDefinitionFamiliesInput{Status: types.TaskDefinitionFamilyStatusAll})
	if err != nil {
		return "", fmt.Errorf("ListTaskDefinitionFamilies: %w", err)
	}
	fmt.Fprintf(&b, "families %v\n", fams.Families)
	cps, err := c.DescribeCapacityProviders(ctx, &ecs.DescribeCapacityProvidersInput{})
	if err != nil {
		return "", fmt.Errorf("DescribeCapacityProviders: %w", err)
	}
	for _, cp := range cps.CapacityProviders {
		fmt.Fprintf(&b, "provider %s %s\n", aws.ToString(cp.Name), cp.Status)
	}
	return b.String(), nil
}

// snapshotCluster renders a cluster's tasks and container instances.
func snapshotCluster(c *ecs.Client, b *strings.Builder, cluster string) error {
	ctx, cancel := callCtx()
	defer cancel()
	var arns []string
	for _, desired := range []types.DesiredStatus{types.DesiredStatusRunning, types.DesiredStatusStopped} {
		out, err := c.ListTasks(ctx, &ecs.ListTasksInput{Cluster: aws.String(cluster), DesiredStatus: desired})
		if err != nil {
			return fmt.Errorf("ListTasks: %w", err)
		}
		arns = append(arns, out.TaskArns...)
	}
	if len(arns) > 0 {
		out, err := c.DescribeTasks(ctx, &ecs.DescribeTasksInput{Cluster: aws.String(cluster), Tasks: arns, Include: []types.TaskField{types.TaskFieldTags}})
		if err != nil {
			return fmt.Errorf("DescribeTasks: %w", err)
		}
		for _, t := range out.Tasks {
			fmt.Fprintf(b, "task %s %s/%s v%d on %s tags=%v\n", aws.ToString(t.TaskArn), aws.ToString(t.LastStatus),
				aws.ToString(t.DesiredStatus), t.Version, aws.ToString(t.ContainerInstanceArn), tagText(t.Tags))
		}
	}
	insts, err := c.ListContainerInstances(ctx, &ecs.ListContainerInstancesInput{Cluster: aws.String(cluster)})
	if err != nil {
		return fmt.Errorf("ListContainerInstances: %w", err)
	}
	if len(insts.ContainerInstanceArns) == 0 {
		return nil
	}
	out, err := c.DescribeContainerInstances(ctx, &ecs.DescribeContainerInstancesInput{Cluster: aws.String(cluster),
		ContainerInstances: insts.ContainerInstanceArns, Include: []types.ContainerInstanceField{types.ContainerInstanceFieldContainerInstanceHealth}})
	if err != nil {
		return fmt.Errorf("DescribeContainerInstances: %w", err)
	}
	for _, ci := range out.ContainerInstances {
		var attrs []string
		for _, a := range ci.Attributes {
			attrs = append(attrs, aws.ToString(a.Name)+"="+aws.ToString(a.Value))
		}
		slices.Sort(attrs)
		var rem []string
		for _, r := range ci.RemainingResources {
			rem = append(rem, fmt.Sprintf("%s=%d%v", aws.ToString(r.Name), r.IntegerValue, r.StringSetValue))
		}
		fmt.Fprintf(b, "instance %s %s v%d connected=%v running=%d pending=%d remaining=%v attrs=%v\n",
			aws.ToString(ci.ContainerInstanceArn), aws.ToString(ci.Status), ci.Version, ci.AgentConnected,
			ci.RunningTasksCount, ci.PendingTasksCount, rem, attrs)
	}
	return nil
}

func tagText(tags []types.Tag) []string {
	out := make([]string, len(tags))
	for i, t := range tags {
		out[i] = aws.ToString(t.Key) + "=" + aws.ToString(t.Value)
	}
	slices.Sort(out)
	return out
}
