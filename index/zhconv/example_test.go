package zhconv_test

import (
	"fmt"

	"github.com/interviewbot/interviewbot/index/zhconv"
)

func ExampleToSimplified() {
	fmt.Println(zhconv.ToSimplified("我們在資料中心部署叢集"))
	// Output: 我们在资料中心部署丛集
}

func ExampleMainland() {
	fmt.Println(zhconv.Mainland("我們在資料中心部署叢集，透過網際網路釋出模型"))
	fmt.Println(zhconv.Mainland("數據中心")) // Hong Kong usage is already mainland usage
	// Output:
	// 我们在数据中心部署集群，通过互联网发布模型
	// 数据中心
}
